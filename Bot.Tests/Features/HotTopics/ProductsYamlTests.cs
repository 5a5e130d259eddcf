using System.Text.Json;
using CrisisBot.Features.HotTopics.Routing;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CrisisBot.Tests.Features.HotTopics;

public class ProductsYamlTests
{
    private const string Head = "products:\n  - key: ab\n    displayName: A\n";

    private static string SamplePath => Path.Combine(AppContext.BaseDirectory, "products.sample.yaml");

    /// <summary>YamlDotNet's reflection deserializer with the naming the file uses: the reference the mapping must match.</summary>
    private static ProductCatalog.ProductsFile? Deserialize(string yaml) =>
        new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
            .Deserialize<ProductCatalog.ProductsFile?>(yaml);

    private static ProductCatalog.ProductsFile? Read(string yaml) => ProductsYaml.Read(new StringReader(yaml), "products.yaml");

    public static TheoryData<string> Files => new()
    {
        File.ReadAllText(SamplePath),
        // block and flow styles, quoting, an empty list, nulls (plain null, ~, empty), a quoted "null", comments
        """
        products:
          - key: "a-b"
            displayName: 'Quoted ''one'''
            keywords:
              - alpha
              - "beta gamma"
              -
              - ~
            phrases: []
            owners: [00000000-0000-0000-0000-000000000001, a@b.example]
            deputies: null
            approvers: ~
            slaMinutes: { normal: +60, crisis: 15 }   # a comment
            channel: "null"
          - ~
          - key: c
            approvalSteps:
              - { name: Brand, approvers: [a@b.example] }
              - name: Legal
                approvers:
                  - l@b.example
              - ~
            slaMinutes:
            channel:
        """,
        // an anchor and an alias: the same list twice
        """
        products:
          - key: x
            owners: &people [a@b.example, c@d.example]
            approvers: *people
            slaMinutes: { normal: -1 }
        """,
        "products:",
        "products: []",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Read_GivesWhatYamlDotNetsDeserializerGives(string yaml) =>
        Assert.Equal(JsonSerializer.Serialize(Deserialize(yaml)), JsonSerializer.Serialize(Read(yaml)));

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("~")]
    public void Read_NothingInTheFile_IsNoFile(string yaml) => Assert.Null(Read(yaml));

    [Theory]
    [InlineData(Head + "    keywordz: [xy]\n", "products.yaml: line 4, column 5: unknown field 'keywordz' in a product (expected key, displayName, keywords, phrases, owners, deputies, approvers, approvalSteps, slaMinutes, channel)")]
    [InlineData(Head + "    KeyWords: [xy]\n", "line 4, column 5: unknown field 'KeyWords' in a product")]
    [InlineData("product:\n  - key: ab\n", "line 1, column 1: unknown field 'product' in the file (expected products)")]
    [InlineData(Head + "    keywords: xy\n", "line 4, column 15: 'keywords' must be a list, not a single value")]
    [InlineData(Head + "    owners: {a: b}\n", "line 4, column 13: 'owners' must be a list, not a mapping")]
    [InlineData(Head + "    owners: [[a@b.example]]\n", "line 4, column 14: 'owners entry' must be text, not a list")]
    [InlineData(Head + "    channel: [a, b]\n", "line 4, column 14: 'channel' must be text, not a list")]
    [InlineData(Head + "    slaMinutes: {normal: soon, crisis: 1}\n", "line 4, column 26: 'slaMinutes.normal' must be a whole number of minutes, not 'soon'")]
    [InlineData(Head + "    slaMinutes: {normal: 1.5, crisis: 1}\n", "'slaMinutes.normal' must be a whole number of minutes, not '1.5'")]
    [InlineData(Head + "    slaMinutes: {normal: 60, crisis: 15, weekend: 5}\n", "unknown field 'weekend' in 'slaMinutes' (expected normal, crisis)")]
    [InlineData(Head + "    slaMinutes: 60\n", "line 4, column 17: 'slaMinutes' must be a mapping of fields, not a single value")]
    [InlineData(Head + "    approvalSteps: [{name: Brand, people: [a@b.example]}]\n", "unknown field 'people' in an approval step (expected name, approvers)")]
    [InlineData("products:\n  - just-a-key\n", "line 2, column 5: a product must be a mapping of fields, not a single value")]
    [InlineData("products: {key: ab}\n", "line 1, column 11: 'products' must be a list, not a mapping")]
    [InlineData("- key: ab\n", "line 1, column 1: the file must be a mapping of fields, not a list")]
    [InlineData("products: []\n---\nproducts: []\n", "line 3, column 1: only one YAML document is expected")]
    [InlineData("products: [\n", "products.yaml: line 2, column 1: ")]
    public void Read_WrongShape_NamesLineColumnAndProblem(string yaml, string expected)
    {
        var ex = Assert.Throws<ProductCatalogException>(() => Read(yaml));
        Assert.Contains(ex.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Read_SeveralShapeProblems_ReportsEveryOne()
    {
        var ex = Assert.Throws<ProductCatalogException>(() => Read(Head + "    keywordz: [xy]\n    owners: x\n    slaMinutes: {normal: x, crisis: y}\n"));
        Assert.Equal(
            [
                "products.yaml: line 4, column 5: unknown field 'keywordz' in a product (expected key, displayName, keywords, phrases, owners, deputies, approvers, approvalSteps, slaMinutes, channel)",
                "products.yaml: line 5, column 13: 'owners' must be a list, not a single value",
                "products.yaml: line 6, column 26: 'slaMinutes.normal' must be a whole number of minutes, not 'x'",
                "products.yaml: line 6, column 37: 'slaMinutes.crisis' must be a whole number of minutes, not 'y'",
            ],
            ex.Errors);
    }

    [Fact]
    public void Read_DuplicateFieldInAProduct_IsAnErrorWithItsLine()
    {
        var ex = Assert.Throws<ProductCatalogException>(() => Read(Head + "    displayName: B\n"));
        Assert.Contains("line 4", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ShapeProblem_StopsBeforeTheValueChecks()
    {
        // only the shape problem: the missing owners/SLA of the same product are not reported on top of it
        var ex = Assert.Throws<ProductCatalogException>(() => ProductCatalog.Parse(Head + "    keywords: xy\n"));
        Assert.Equal(["products.yaml: line 4, column 15: 'keywords' must be a list, not a single value"], ex.Errors);
    }
}
