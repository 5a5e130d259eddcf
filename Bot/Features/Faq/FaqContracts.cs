namespace CrisisBot.Features.Faq;

/// <summary>How an FAQ entry changed between two published versions.</summary>
public enum FaqChangeKind
{
    Added = 0,
    Updated = 1,

    /// <summary>Superseded without a successor in the FAQ, or retired: it left the published FAQ.</summary>
    Withdrawn = 2,
}

/// <summary>One entry change in a published FAQ version.</summary>
public sealed record FaqChange(string ProductKey, string ProductName, string Question, FaqChangeKind Kind, int FaqVersion, DateTimeOffset PublishedAt);

/// <summary>
/// The FAQ changes published in a period, for the leadership summary ("FAQ changes"). The public FAQ feature implements
/// it (register with <c>services.Replace</c>); until then <see cref="NoFaqChanges"/> answers "nothing published".
/// </summary>
public interface IFaqChanges
{
    /// <summary>Changes in versions published in [<paramref name="since"/>, <paramref name="until"/>), oldest first.</summary>
    Task<IReadOnlyList<FaqChange>> GetChangesAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default);
}

/// <summary>The default until the FAQ feature is registered.</summary>
public sealed class NoFaqChanges : IFaqChanges
{
    public Task<IReadOnlyList<FaqChange>> GetChangesAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<FaqChange>>([]);
}
