using CrisisBot.Features.HotTopics.Routing;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Crisis;

/// <summary>
/// The products catalog as the crisis feature needs it (validating scope, crisis SLAs, display names). Loaded on first use
/// from <c>Products:Path</c>, or taken from a <see cref="ProductCatalog"/> registered by another feature.
/// </summary>
public sealed class CrisisCatalog(IServiceProvider services, IOptions<ProductsOptions> options)
{
    private readonly Lazy<ProductCatalog> _catalog = new(
        () => services.GetService<ProductCatalog>() ?? options.Value.LoadCatalog(), LazyThreadSafetyMode.ExecutionAndPublication);

    public IReadOnlyList<ProductDefinition> Products => _catalog.Value.Products;

    /// <summary>A product by key or display name (case-insensitive).</summary>
    public ProductDefinition? Find(string keyOrName) =>
        _catalog.Value.Find(keyOrName)
        ?? Products.FirstOrDefault(p => string.Equals(p.DisplayName, keyOrName, StringComparison.OrdinalIgnoreCase));

    /// <summary>The products a crisis covers: the listed keys, or every product when the list is empty.</summary>
    public IReadOnlyList<ProductDefinition> InScope(IReadOnlyList<string> keys) =>
        keys.Count == 0 ? Products : [.. keys.Select(k => _catalog.Value.Find(k)).OfType<ProductDefinition>()];
}
