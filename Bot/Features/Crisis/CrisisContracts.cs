namespace CrisisBot.Features.Crisis;

/// <summary>The active crisis, when one is declared.</summary>
/// <param name="Id">Stable id (used in exports and card ids).</param>
/// <param name="Name">As declared, e.g. "Storm Ciara".</param>
/// <param name="ProductKeys">The products in scope; empty means all products.</param>
/// <param name="DeclaredAt">When it was declared.</param>
public sealed record ActiveCrisis(int Id, string Name, IReadOnlyList<string> ProductKeys, DateTimeOffset DeclaredAt)
{
    public bool Covers(string productKey) => ProductKeys.Count == 0 || ProductKeys.Contains(productKey, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// Whether a crisis is active. Features read it to post into the crisis channel (bound with role <c>crisis</c>) and to
/// switch to crisis SLAs and thresholds. Consumers register the default with
/// <c>services.TryAddSingleton&lt;ICrisisState, NoActiveCrisis&gt;()</c>; the crisis feature replaces it.
/// </summary>
public interface ICrisisState
{
    Task<ActiveCrisis?> GetActiveAsync(CancellationToken ct = default);
}

/// <summary>The default until the crisis feature is registered: never in crisis.</summary>
public sealed class NoActiveCrisis : ICrisisState
{
    public Task<ActiveCrisis?> GetActiveAsync(CancellationToken ct = default) => Task.FromResult<ActiveCrisis?>(null);
}
