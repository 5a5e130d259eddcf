using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validator_EmptyPath_FailsNamingTheKey(string path)
    {
        var result = new ProductsOptionsValidator().Validate(null, new ProductsOptions { Path = path });

        Assert.True(result.Failed);
        Assert.StartsWith("Products:Path is empty", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_AnyGivenPath_Succeeds()
    {
        // Whether the file exists is the catalog's check (LoadCatalog_MissingFile_ThrowsClearError), not the options'.
        Assert.True(new ProductsOptionsValidator().Validate(null, new ProductsOptions { Path = "does-not-exist.yaml" }).Succeeded);
        Assert.True(new ProductsOptionsValidator().Validate(null, new ProductsOptions()).Succeeded);
    }

    [Fact]
    public void AddProductsOptions_TwiceFromTwoFeatures_OneValidatorAndEmptyPathRefused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Products:Path"] = "" }).Build();
        var services = new ServiceCollection();
        services.AddProductsOptions(configuration);
        services.AddProductsOptions(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IValidateOptions<ProductsOptions>>());
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ProductsOptions>>().Value);
        Assert.Equal("Products:Path is empty. Give the path of products.yaml (default: products.sample.yaml, the demo company's sample).", Assert.Single(ex.Failures));
    }

    /// <summary>
    /// The rule part of routing, computed the plain way (every keyword, every one-typo keyword and every phrase tried in
    /// catalog order), to check the router's indexed lookups against.
    /// </summary>
    private static float[] NaiveRuleScores(ProductCatalog catalog, string text)
    {
        var scratch = new TokenizedText();
        var keywords = new Dictionary<int, List<int>>();
        var fuzzy = new List<(string Stem, int Product)>();
        var phrases = new List<(int[] Words, int Product)>();
        for (var p = 0; p < catalog.Products.Count; p++)
        {
            foreach (var term in catalog.Products[p].Keywords.Concat(catalog.Products[p].Phrases))
            {
                TextNormalizer.Normalize(term, scratch);
                var words = scratch.Tokens.ToArray().Select(t => FeatureHasher.WordIndex(scratch.Stem(t))).ToArray();
                if (words.Length == 1)
                {
                    var list = keywords.TryGetValue(words[0], out var l) ? l : keywords[words[0]] = [];
                    if (!list.Contains(p))
                    {
                        list.Add(p);
                    }

                    var stem = scratch.Stem(scratch.Tokens[0]).ToString();
                    if (stem.Length >= 5)
                    {
                        fuzzy.Add((stem, p));
                    }
                }
                else if (words.Length > 1)
                {
                    phrases.Add((words, p));
                }
            }
        }

        var tokens = new TokenizedText();
        TextNormalizer.Normalize(text, tokens);
        var scores = new float[catalog.Products.Count];
        var stems = tokens.Tokens.ToArray().Select(t => FeatureHasher.WordIndex(tokens.Stem(t))).ToArray();
        var all = tokens.Tokens.ToArray();
        for (var i = 0; i < all.Length; i++)
        {
            if (all[i].IsStopWord)
            {
                continue;
            }

            if (keywords.TryGetValue(stems[i], out var products))
            {
                products.ForEach(p => scores[p] += 2f);
            }
            else if (all[i].StemLength >= 5)
            {
                var stem = tokens.Stem(all[i]).ToString();
                var match = fuzzy.FindIndex(f => Math.Abs(f.Stem.Length - stem.Length) <= 1 && ProductRouter.WithinOneEdit(stem, f.Stem));
                if (match >= 0)
                {
                    scores[fuzzy[match].Product] += 1.2f;
                }
            }
        }

        foreach (var (words, p) in phrases)
        {
            if (Enumerable.Range(0, Math.Max(0, stems.Length - words.Length + 1)).Any(i => stems.AsSpan(i, words.Length).SequenceEqual(words)))
            {
                scores[p] += 3f;
            }
        }

        return scores;
    }

    [Fact]
    public void ScoreRules_TyposOfEveryKeywordAndEveryPhrase_SameScoresAsTryingEveryRule()
    {
        var catalog = ProductCatalog.Load(Path.Combine(AppContext.BaseDirectory, "products.sample.yaml"));
        var router = new ProductRouter(catalog);
        var texts = new List<string> { "", "claim claim claimm clam", "on hold on hold for hours, call back", "credit card credit limit card declined" };
        foreach (var product in catalog.Products)
        {
            texts.Add(string.Join(" then ", product.Phrases));
            foreach (var keyword in product.Keywords)
            {
                // Every one-edit variant: deletions, substitutions, insertions, adjacent swaps; plus two edits (no match).
                for (var i = 0; i < keyword.Length; i++)
                {
                    texts.Add($"my {keyword.Remove(i, 1)} is late");
                    texts.Add($"my {keyword[..i]}q{keyword[(i + 1)..]} is late");
                    texts.Add($"my {keyword.Insert(i, "e")} and {keyword.Insert(i + 1, "z")} again");
                    if (i + 1 < keyword.Length)
                    {
                        texts.Add($"the {keyword[..i]}{keyword[i + 1]}{keyword[i]}{keyword[(i + 2)..]} problem");
                    }

                    texts.Add($"{keyword.Remove(i, 1).Insert(0, "xy")} nothing");
                }
            }
        }

        var tokens = new TokenizedText();
        var scores = new float[router.ProductCount];
        var fuzzyHits = 0;
        foreach (var text in texts)
        {
            TextNormalizer.Normalize(text, tokens);
            router.ScoreRules(tokens, scores);
            var expected = NaiveRuleScores(catalog, text);
            Assert.True(expected.AsSpan().SequenceEqual(scores), $"rule scores differ for '{text}': [{string.Join(", ", scores)}] vs [{string.Join(", ", expected)}]");
            fuzzyHits += expected.Any(s => s % 1 != 0) ? 1 : 0;
        }

        Assert.True(fuzzyHits > 100, $"only {fuzzyHits} texts had a one-typo match"); // the variants do exercise the typo path
    }
}
