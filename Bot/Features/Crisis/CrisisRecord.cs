namespace CrisisBot.Features.Crisis;

/// <summary>Stored by name: never renumber or rename.</summary>
public enum CrisisStatus
{
    Active = 1,
    StoodDown = 2,
}

/// <summary>
/// A declared crisis (table <c>Crises</c>): scope, crisis channel, cadence, stand-down. At most one is active: the
/// unique <see cref="ActiveSlot"/> is 1 while active and null after, so a second concurrent declaration fails in the database.
/// </summary>
public sealed class CrisisRecord
{
    public const int MaxNameLength = 120;
    public const string OriginGraph = "graph";
    public const string OriginLinked = "linked";

    private CrisisRecord()
    {
    }

    public int Id { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>Lower-case product keys separated by ','; empty for all products.</summary>
    public string ProductKeys { get; private set; } = "";

    public string Reason { get; private set; } = "";

    public CrisisStatus Status { get; private set; }

    /// <summary>1 while active, null afterwards (unique index).</summary>
    public int? ActiveSlot { get; private set; }

    public DateTimeOffset DeclaredAt { get; private set; }

    public string DeclaredById { get; private set; } = "";

    public string? DeclaredByName { get; private set; }

    /// <summary>The proposal this crisis was confirmed from, if any.</summary>
    public long? ProposalId { get; private set; }

    public string ChannelId { get; private set; } = "";

    public string? ChannelName { get; private set; }

    public string TeamId { get; private set; } = "";

    public string ServiceUrl { get; private set; } = "";

    public string TenantId { get; private set; } = "";

    /// <summary><see cref="OriginGraph"/> (created through Graph) or <see cref="OriginLinked"/> (the channel linked as crisis).</summary>
    public string ChannelOrigin { get; private set; } = "";

    public string? WarRoomUrl { get; private set; }

    public int UpdateCadenceHours { get; private set; }

    /// <summary>Number of status updates requested so far (the cadence timer's sequence).</summary>
    public int StatusRequests { get; private set; }

    public DateTimeOffset? NextStatusRequestAt { get; private set; }

    public DateTimeOffset? StoodDownAt { get; private set; }

    public string? StoodDownById { get; private set; }

    public string? StoodDownByName { get; private set; }

    public string? StandDownReason { get; private set; }

    /// <summary>Lessons as the lead typed them (one per line).</summary>
    public string? Lessons { get; private set; }

    /// <summary>
    /// Arrival mark of the hot-topic posts at the declaration: the highest <c>HotTopicPosts.Seq</c> stored then (0 when
    /// none). Posts with a higher <c>Seq</c> arrived during the crisis. Null for crises declared before the marks existed.
    /// </summary>
    public long? PostSeqAtDeclare { get; private set; }

    /// <summary>Arrival mark at the stand-down: posts with <c>Seq</c> up to this one arrived before it. Null while active.</summary>
    public long? PostSeqAtStandDown { get; private set; }

    /// <summary>Logical card id of the crisis-declared post (outbox <c>CardMessages</c>).</summary>
    public string CardId => CardIdFor(Id);

    public IReadOnlyList<string> Products => ProductKeys.Length == 0 ? [] : ProductKeys.Split(',');

    public bool IsActive => Status == CrisisStatus.Active;

    public static string CardIdFor(int id) => $"crisis:{id}";

    public static CrisisRecord Declare(
        string name, IReadOnlyList<string> productKeys, string reason, CrisisActor declaredBy, CrisisChannel channel, int cadenceHours, DateTimeOffset now, long? proposalId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(productKeys);
        ArgumentNullException.ThrowIfNull(declaredBy);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentOutOfRangeException.ThrowIfLessThan(cadenceHours, 1);
        return new CrisisRecord
        {
            Name = name.Trim(),
            ProductKeys = string.Join(',', productKeys.Select(p => p.ToLowerInvariant())),
            Reason = reason,
            Status = CrisisStatus.Active,
            ActiveSlot = 1,
            DeclaredAt = now,
            DeclaredById = declaredBy.Id,
            DeclaredByName = declaredBy.Name,
            ProposalId = proposalId,
            ChannelId = channel.ChannelId,
            ChannelName = channel.ChannelName,
            TeamId = channel.TeamId,
            ServiceUrl = channel.ServiceUrl,
            TenantId = channel.TenantId,
            ChannelOrigin = channel.Origin,
            WarRoomUrl = channel.WebUrl?.ToString(),
            UpdateCadenceHours = cadenceHours,
            NextStatusRequestAt = now.AddHours(cadenceHours),
        };
    }

    /// <summary>Records the arrival mark of the declaration (<see cref="PostSeqAtDeclare"/>).</summary>
    public void MarkDeclaredAtPost(long seq) => PostSeqAtDeclare = Math.Max(0, seq);

    /// <summary>Records the arrival mark of the stand-down (<see cref="PostSeqAtStandDown"/>).</summary>
    public void MarkStoodDownAtPost(long seq) => PostSeqAtStandDown = Math.Max(0, seq);

    /// <summary>Counts a status request and moves the next one a cadence later; returns this request's number.</summary>
    public int RequestStatus(DateTimeOffset now)
    {
        EnsureActive();
        StatusRequests++;
        NextStatusRequestAt = now.AddHours(UpdateCadenceHours);
        return StatusRequests;
    }

    public void StandDown(CrisisActor actor, string reason, string? lessons, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        EnsureActive();
        Status = CrisisStatus.StoodDown;
        ActiveSlot = null;
        NextStatusRequestAt = null;
        StoodDownAt = now;
        StoodDownById = actor.Id;
        StoodDownByName = actor.Name;
        StandDownReason = reason.Trim();
        Lessons = string.IsNullOrWhiteSpace(lessons) ? null : lessons.Trim();
    }

    public ActiveCrisis ToActive() => new(Id, Name, Products, DeclaredAt);

    private void EnsureActive()
    {
        if (!IsActive)
        {
            throw new InvalidOperationException($"Crisis {Id} is not active.");
        }
    }
}

/// <summary>Who acted: Entra object id (or Teams id) and display name; <see cref="TeamsUserId"/> (29:…) when known, for mentions.</summary>
public sealed record CrisisActor(string Id, string? Name, string? TeamsUserId = null)
{
    public string Display => string.IsNullOrWhiteSpace(Name) ? Id : Name;
}

/// <summary>Where the crisis room is.</summary>
public sealed record CrisisChannel(string ChannelId, string? ChannelName, string TeamId, string? TeamName, string ServiceUrl, string TenantId, string Origin, Uri? WebUrl);
