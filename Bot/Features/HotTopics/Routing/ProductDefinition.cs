namespace CrisisBot.Features.HotTopics.Routing;

/// <summary>One product team from <c>products.yaml</c>: routing vocabulary, people, SLA and optional bound channel.</summary>
public sealed record ProductDefinition(
    string Key,
    string DisplayName,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> Phrases,
    IReadOnlyList<string> Owners,
    IReadOnlyList<string> Deputies,
    IReadOnlyList<string> Approvers,
    SlaMinutes Sla,
    string? Channel);

/// <summary>Response-time targets in minutes, in normal operation and during an active crisis.</summary>
public sealed record SlaMinutes(int Normal, int Crisis);

/// <summary>Thrown when <c>products.yaml</c> is invalid; <see cref="Errors"/> lists every problem found.</summary>
public sealed class ProductCatalogException : Exception
{
    public ProductCatalogException()
        : this([])
    {
    }

    public ProductCatalogException(string message)
        : this([message])
    {
    }

    public ProductCatalogException(string message, Exception inner)
        : base(message, inner)
    {
        Errors = [message];
    }

    public ProductCatalogException(IReadOnlyList<string> errors)
        : base("products.yaml is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }
}
