using System.ComponentModel.DataAnnotations;

namespace CrisisBot.Features.HotTopics.Routing;

/// <summary>Configuration section <c>Products</c>: where <c>products.yaml</c> lives.</summary>
public sealed class ProductsOptions
{
    public const string Section = "Products";

    /// <summary>The sample shipped with the build output.</summary>
    public const string SampleFileName = "products.sample.yaml";

    /// <summary>
    /// Path of <c>products.yaml</c>; relative paths are resolved against the application's base directory.
    /// <value>products.sample.yaml (the demo company's sample)</value>
    /// </summary>
    [Required]
    public string Path { get; set; } = SampleFileName;

    /// <summary>The absolute path, resolving a relative <see cref="Path"/> against <paramref name="baseDirectory"/>.</summary>
    public string ResolvePath(string? baseDirectory = null) =>
        System.IO.Path.IsPathRooted(Path) ? Path : System.IO.Path.GetFullPath(Path, baseDirectory ?? AppContext.BaseDirectory);

    /// <summary>Loads and validates the catalog (throws <see cref="ProductCatalogException"/> with every problem).</summary>
    public ProductCatalog LoadCatalog(string? baseDirectory = null) => ProductCatalog.Load(ResolvePath(baseDirectory));
}
