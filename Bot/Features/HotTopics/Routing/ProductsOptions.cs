using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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
    public string Path { get; set; } = SampleFileName;

    /// <summary>The absolute path, resolving a relative <see cref="Path"/> against <paramref name="baseDirectory"/>.</summary>
    public string ResolvePath(string? baseDirectory = null) =>
        System.IO.Path.IsPathRooted(Path) ? Path : System.IO.Path.GetFullPath(Path, baseDirectory ?? AppContext.BaseDirectory);

    /// <summary>Loads and validates the catalog (throws <see cref="ProductCatalogException"/> with every problem).</summary>
    public ProductCatalog LoadCatalog(string? baseDirectory = null) => ProductCatalog.Load(ResolvePath(baseDirectory));
}

/// <summary>
/// Startup validation of <see cref="ProductsOptions"/>: <c>Products:Path</c> must be given. Written out instead of a
/// <c>[Required]</c> attribute checked by <c>ValidateDataAnnotations</c>: that validator reads the attributes through
/// reflection and <c>TypeDescriptor</c> and loads Microsoft.Extensions.Options.DataAnnotations and
/// System.ComponentModel.TypeConverter for it, 10-35 ms of CPU in the set-up of every CLI command that loads the products
/// file (the import's fixed cost, bench/RESULTS.md "Session 15").
/// </summary>
internal sealed class ProductsOptionsValidator : IValidateOptions<ProductsOptions>
{
    public ValidateOptionsResult Validate(string? name, ProductsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.Path)
            ? ValidateOptionsResult.Fail($"{ProductsOptions.Section}:Path is empty. Give the path of products.yaml (default: {ProductsOptions.SampleFileName}, the demo company's sample).")
            : ValidateOptionsResult.Success;
    }
}

/// <summary>Registration of <see cref="ProductsOptions"/>, shared by the features that load the products file.</summary>
public static class ProductsOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ProductsOptions"/> to the <c>Products</c> section and validates it with
    /// <see cref="ProductsOptionsValidator"/>, registered once however many features call this.
    /// </summary>
    public static OptionsBuilder<ProductsOptions> AddProductsOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProductsOptions>, ProductsOptionsValidator>());
        return services.AddOptions<ProductsOptions>().Bind(configuration.GetSection(ProductsOptions.Section));
    }
}
