namespace CrisisBot.Features.Crisis;

/// <summary>Stored by name.</summary>
public enum CrisisRole
{
    Lead = 1,
    Comms = 2,
    Approver = 3,
}

/// <summary>A person's role in one crisis (table <c>CrisisRoles</c>). Removal keeps the row (RemovedAt) for the audit trail.</summary>
public sealed class CrisisRoleAssignment
{
    private CrisisRoleAssignment()
    {
    }

    public long Id { get; private set; }

    public int CrisisId { get; private set; }

    public CrisisRole Role { get; private set; }

    /// <summary>Entra object id when known, else the Teams user id.</summary>
    public string UserId { get; private set; } = "";

    public string? TeamsUserId { get; private set; }

    public string? Name { get; private set; }

    public DateTimeOffset AssignedAt { get; private set; }

    public string AssignedById { get; private set; } = "";

    public DateTimeOffset? RemovedAt { get; private set; }

    public static CrisisRoleAssignment Create(int crisisId, CrisisRole role, CrisisActor person, CrisisActor by, DateTimeOffset now) => new()
    {
        CrisisId = crisisId,
        Role = role,
        UserId = person.Id,
        TeamsUserId = person.TeamsUserId,
        Name = person.Name,
        AssignedAt = now,
        AssignedById = by.Id,
    };

    public void Remove(DateTimeOffset now) => RemovedAt ??= now;

    public bool Matches(string? aadObjectId, string? teamsUserId) =>
        (!string.IsNullOrWhiteSpace(aadObjectId) && string.Equals(UserId, aadObjectId, StringComparison.OrdinalIgnoreCase))
        || (!string.IsNullOrWhiteSpace(teamsUserId) && (string.Equals(TeamsUserId, teamsUserId, StringComparison.Ordinal) || string.Equals(UserId, teamsUserId, StringComparison.Ordinal)));
}

public enum ProposalStatus
{
    Pending = 1,
    Confirmed = 2,
    Declined = 3,
}

/// <summary>"Propose crisis" from a hot-topic card, waiting for a lead (table <c>CrisisProposals</c>).</summary>
public sealed class CrisisProposal
{
    private CrisisProposal()
    {
    }

    public long Id { get; private set; }

    public string TopicId { get; private set; } = "";

    public string TopicTitle { get; private set; } = "";

    /// <summary>Product key when the catalog knows it; else the product as the card named it.</summary>
    public string? Product { get; private set; }

    public string ProposedById { get; private set; } = "";

    public string? ProposedByName { get; private set; }

    public DateTimeOffset ProposedAt { get; private set; }

    public ProposalStatus Status { get; private set; }

    public string? DecidedById { get; private set; }

    public string? DecidedByName { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public int? CrisisId { get; private set; }

    public string CardId => $"crisis-proposal:{Id}";

    public static CrisisProposal Create(string topicId, string topicTitle, string? product, CrisisActor by, DateTimeOffset now) => new()
    {
        TopicId = topicId,
        TopicTitle = topicTitle,
        Product = product,
        ProposedById = by.Id,
        ProposedByName = by.Name,
        ProposedAt = now,
        Status = ProposalStatus.Pending,
    };

    public void Confirm(CrisisActor by, int crisisId, DateTimeOffset now)
    {
        Decide(by, now, ProposalStatus.Confirmed);
        CrisisId = crisisId;
    }

    public void Decline(CrisisActor by, DateTimeOffset now) => Decide(by, now, ProposalStatus.Declined);

    private void Decide(CrisisActor by, DateTimeOffset now, ProposalStatus status)
    {
        if (Status != ProposalStatus.Pending)
        {
            throw new InvalidOperationException($"Proposal {Id} is already {Status}.");
        }

        Status = status;
        DecidedById = by.Id;
        DecidedByName = by.Name;
        DecidedAt = now;
    }
}

/// <summary>A "decision needed" item from <c>decide &lt;text&gt;</c> (table <c>CrisisDecisions</c>).</summary>
public sealed class CrisisDecision
{
    public const int MaxTextLength = 500;

    private CrisisDecision()
    {
    }

    public long Id { get; private set; }

    /// <summary>The crisis active when it was raised; null outside a crisis.</summary>
    public int? CrisisId { get; private set; }

    public string Text { get; private set; } = "";

    public string RaisedById { get; private set; } = "";

    public string? RaisedByName { get; private set; }

    public DateTimeOffset RaisedAt { get; private set; }

    public DateTimeOffset? ResolvedAt { get; private set; }

    public string? ResolvedById { get; private set; }

    public string? ResolvedByName { get; private set; }

    public bool IsOpen => ResolvedAt is null;

    public static CrisisDecision Raise(int? crisisId, string text, CrisisActor by, DateTimeOffset now) => new()
    {
        CrisisId = crisisId,
        Text = text.Trim(),
        RaisedById = by.Id,
        RaisedByName = by.Name,
        RaisedAt = now,
    };

    /// <returns>False when it was already resolved (nothing changes).</returns>
    public bool Resolve(CrisisActor by, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            return false;
        }

        ResolvedAt = now;
        ResolvedById = by.Id;
        ResolvedByName = by.Name;
        return true;
    }
}

/// <summary>A status update from the lead (table <c>CrisisStatusUpdates</c>), shown in summaries and the report.</summary>
public sealed class CrisisStatusUpdate
{
    public const int MaxTextLength = 2000;

    private CrisisStatusUpdate()
    {
    }

    public long Id { get; private set; }

    public int CrisisId { get; private set; }

    /// <summary>The cadence request it answers; 0 for an unrequested update.</summary>
    public int Request { get; private set; }

    public string Text { get; private set; } = "";

    public string AuthorId { get; private set; } = "";

    public string? AuthorName { get; private set; }

    public DateTimeOffset At { get; private set; }

    public static CrisisStatusUpdate Create(int crisisId, int request, string text, CrisisActor by, DateTimeOffset now) => new()
    {
        CrisisId = crisisId,
        Request = request,
        Text = text.Trim(),
        AuthorId = by.Id,
        AuthorName = by.Name,
        At = now,
    };
}
