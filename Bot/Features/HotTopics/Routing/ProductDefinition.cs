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
    string? Channel)
{
    /// <summary>
    /// The approval chain, in order (0 or more steps, e.g. brand then legal). From <c>approvalSteps</c> in products.yaml;
    /// without it, one step "Approval" with <see cref="Approvers"/> (none when that list is empty).
    /// </summary>
    public IReadOnlyList<ApprovalStep> ApprovalSteps { get; init; } = Approvers.Count == 0 ? [] : [new ApprovalStep("Approval", Approvers)];
}

/// <summary>One step of a product's approval chain: any one of <see cref="Approvers"/> (aadObjectIds or UPNs) decides it.</summary>
public sealed record ApprovalStep(string Name, IReadOnlyList<string> Approvers);

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
