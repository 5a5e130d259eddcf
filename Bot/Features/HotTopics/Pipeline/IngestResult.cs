namespace CrisisBot.Features.HotTopics.Pipeline;

/// <summary>What happened to one post of an ingest batch.</summary>
public enum IngestOutcome
{
    /// <summary>New: stored and counted.</summary>
    Accepted = 0,

    /// <summary>Its <c>(source, id)</c> was already stored (earlier, or earlier in the same batch): ignored.</summary>
    Duplicate = 1,
}

/// <summary>The per-item outcomes of one batch, in input order.</summary>
public sealed class IngestResult(IReadOnlyList<IngestOutcome> outcomes)
{
    public IReadOnlyList<IngestOutcome> Outcomes { get; } = outcomes;

    public int Accepted => Outcomes.Count(o => o == IngestOutcome.Accepted);

    public int Duplicates => Outcomes.Count(o => o == IngestOutcome.Duplicate);
}
