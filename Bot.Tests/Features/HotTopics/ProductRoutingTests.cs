using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Text;

namespace CrisisBot.Tests.Features.HotTopics;

public class ProductRoutingTests
{
    private static string SamplePath => Path.Combine(AppContext.BaseDirectory, "products.sample.yaml");

    private static ProductRouter Router() => new(ProductCatalog.Load(SamplePath));

    [Fact]
    public void Load_Sample_HasTheSixDemoProducts()
    {
        var catalog = ProductCatalog.Load(SamplePath);
        Assert.Equal(["travel-insurance", "travel-money", "mail-parcels", "credit-card", "contact-centre", "brand"],
            catalog.Products.Select(p => p.Key));
        Assert.Equal(new SlaMinutes(60, 15), catalog.Find("MAIL-PARCELS")!.Sla);
    }

    [Theory]
    [InlineData("My travel insurance claim has not been paid after 6 weeks", "travel-insurance")]
    [InlineData("TRAVEL INSURANCE still no answer", "travel-insurance")]
    [InlineData("The exchange rate at the bureau is a joke", "travel-money")]
    [InlineData("my parcel says delivered but nothing here, tracking useless", "mail-parcels")]
    [InlineData("my parcle was never deliverd", "mail-parcels")]
    [InlineData("Crédit card declined at the till again", "credit-card")]
    [InlineData("been on hold for 2 hours, nobody answers the phone", "contact-centre")]
    [InlineData("that new advert is offensive, boycott", "brand")]
    public void Route_RulesAndTypos_PickTheOwningProduct(string text, string expected) =>
        Assert.Equal(expected, Router().Route(text).ProductKey);

    [Theory]
    [InlineData("what a lovely sunny morning")]
    [InlineData("😀😀😀")]
    public void Route_Unroutable_GoesToTriage(string text)
    {
        var route = Router().Route(text);
        Assert.True(route.IsTriage);
        Assert.Equal(ProductCatalog.TriageKey, route.ProductKey);
    }

    [Fact]
    public void Route_VectorEqualToAProductsProfile_ThatProductWithFullSimilarityScore()
    {
        var catalog = ProductCatalog.Load(SamplePath);
        var router = new ProductRouter(catalog);
        foreach (var (product, index) in catalog.Products.Select((p, i) => (p, i)))
        {
            // The profile is built from exactly this text (every keyword, phrase and the display name, unit length),
            // so every one of its features must be found: similarity 1, score = the similarity weight 3.
            var tokens = new TokenizedText();
            var vector = new FeatureVector();
            TextNormalizer.Normalize(string.Join(" . ", product.Keywords.Concat(product.Phrases).Append(product.DisplayName)), tokens);
            FeatureHasher.Extract(tokens, vector);
            vector.Normalize();

            var route = router.Route(new float[router.ProductCount], vector);

            Assert.Equal(product.Key, route.ProductKey);
            Assert.Equal(index, route.ProductIndex);
            Assert.Equal(3f, route.Score, 3);
        }
    }

    [Fact]
    public void Route_NoRuleScoresAndNoProfileFeature_Triage()
    {
        var router = Router();
        var tokens = new TokenizedText();
        var vector = new FeatureVector();
        TextNormalizer.Normalize("zzqx wvvy", tokens);
        FeatureHasher.Extract(tokens, vector);
        vector.Normalize();

        var route = router.Route(new float[router.ProductCount], vector);

        Assert.True(route.IsTriage);
        Assert.Equal(0f, route.Score);
    }

    [Fact]
    public void Route_KeywordNeedsWholeWord()
    {
        // "cardigan" contains "card" but is not the word "card".
        Assert.NotEqual("credit-card", Router().Route("lovely cardigan in the shop window").ProductKey);
    }

    [Fact]
    public void Route_PhraseBeatsSingleKeyword()
    {
        // "card" points to credit card, the phrase "travel money card" to travel money.
        Assert.Equal("travel-money", Router().Route("my travel money card is not working abroad").ProductKey);
    }

    private const string Valid = """
        products:
          - key: a-product
            displayName: A
            keywords: [alpha]
            owners: [a@b.example]
            slaMinutes: { normal: 60, crisis: 15 }
        """;

    [Fact]
    public void Parse_Valid_Works() => Assert.Single(ProductCatalog.Parse(Valid).Products);

    [Theory]
    [InlineData("products: []", "non-empty 'products:' list")]
    [InlineData("", "non-empty 'products:' list")]
    [InlineData("products:\n  - displayName: A\n    keywords: [x1]\n    owners: [a@b.example]\n    slaMinutes: {normal: 1, crisis: 1}", "missing required field 'key'")]
    [InlineData("products:\n  - key: A_B\n    displayName: A\n    keywords: [xy]\n    owners: [a@b.example]\n    slaMinutes: {normal: 1, crisis: 1}", "'key' must match")]
    [InlineData("products:\n  - key: triage\n    displayName: A\n    keywords: [xy]\n    owners: [a@b.example]\n    slaMinutes: {normal: 1, crisis: 1}", "reserved")]
    [InlineData("products:\n  - key: ab\n    keywords: [xy]\n    owners: [a@b.example]\n    slaMinutes: {normal: 1, crisis: 1}", "missing required field 'displayName'")]
    [InlineData("products:\n  - key: ab\n    displayName: A\n    owners: [a@b.example]\n    slaMinutes: {normal: 1, crisis: 1}", "at least one entry in 'keywords' or 'phrases'")]
    [InlineData("products:\n  - key: ab\n    displayName: A\n    keywords: [xy]\n    slaMinutes: {normal: 1, crisis: 1}", "missing required field 'owners'")]
    [InlineData("products:\n  - key: ab\n    displayName: A\n    keywords: [xy]\n    owners: [bob]\n    slaMinutes: {normal: 1, crisis: 1}", "neither an aadObjectId")]
    [InlineData("products:\n  - key: ab\n    displayName: A\n    keywords: [xy]\n    owners: [a@b.example]", "missing required field 'slaMinutes'")]
    [InlineData("products:\n  - key: ab\n    displayName: A\n    keywords: [xy]\n    owners: [a@b.example]\n    slaMinutes: {normal: 10, crisis: 20}", "must not exceed")]
    [InlineData("products:\n  - key: ab\n    displayName: A\n    keywords: [xy]\n    owners: [a@b.example]\n    slaMinutes: {normal: 0, crisis: 1}", "'slaMinutes.normal' must be a positive")]
    [InlineData("products:\n  - key: ab\n    displayName: A\n    keywordz: [xy]\n", "line 4")]
    [InlineData("products:\n  - key: ab\n    displayName: A\n    keywords: [\"12 34\"]\n    owners: [a@b.example]\n    slaMinutes: {normal: 1, crisis: 1}", "no usable words")]
    public void Parse_Invalid_ThrowsClearError(string yaml, string expected)
    {
        var ex = Assert.Throws<ProductCatalogException>(() => ProductCatalog.Parse(yaml));
        Assert.Contains(ex.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DuplicateKeys_NamesBothProducts()
    {
        var yaml = Valid + "\n" + Valid["products:\n".Length..].Replace("a-product", "A-PRODUCT", StringComparison.Ordinal);
        var ex = Assert.Throws<ProductCatalogException>(() => ProductCatalog.Parse(yaml));
        Assert.Contains(ex.Errors, e => e.Contains("duplicate key 'A-PRODUCT' (first used by product #1)", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAll()
    {
        var yaml = "products:\n  - key: ab\n  - key: ab\n";
        var ex = Assert.Throws<ProductCatalogException>(() => ProductCatalog.Parse(yaml));
        Assert.True(ex.Errors.Count >= 5, string.Join("\n", ex.Errors));
    }

    [Theory]
    [InlineData("parcel", "parcle", true)]
    [InlineData("parcel", "parcl", true)]
    [InlineData("parcel", "parcels", true)]
    [InlineData("parcel", "pardel", true)]
    [InlineData("parcel", "pracle", false)]
    public void WithinOneEdit_Cases(string a, string b, bool expected) =>
        Assert.Equal(expected, ProductRouter.WithinOneEdit(a, b));
}

public class ProductsOptionsTests
{
    [Fact]
    public void LoadCatalog_DefaultPath_LoadsShippedSample()
    {
        var options = new ProductsOptions();
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "products.sample.yaml"), options.ResolvePath());
        Assert.Equal(6, options.LoadCatalog().Products.Count);
    }

    [Fact]
    public void LoadCatalog_MissingFile_ThrowsClearError()
    {
        var options = new ProductsOptions { Path = "does-not-exist.yaml" };
        var ex = Assert.Throws<ProductCatalogException>(() => options.LoadCatalog());
        Assert.Contains("does not exist", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }
}
