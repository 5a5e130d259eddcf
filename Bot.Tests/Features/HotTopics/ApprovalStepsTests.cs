using CrisisBot.Features.HotTopics.Routing;

namespace CrisisBot.Tests.Features.HotTopics;

public class ApprovalStepsTests
{
    private const string Head = """
        products:
          - key: travel-insurance
            displayName: Travel insurance
            keywords: [insurance]
            owners: [ana@contoso.example]
            slaMinutes: { normal: 60, crisis: 15 }
        """;

    [Fact]
    public void Load_Sample_TravelInsuranceHasBrandThenLegal()
    {
        var catalog = ProductCatalog.Load(Path.Combine(AppContext.BaseDirectory, "products.sample.yaml"));
        var steps = catalog.Find("travel-insurance")!.ApprovalSteps;
        Assert.Equal(["Brand", "Legal"], steps.Select(s => s.Name));
        Assert.Equal(["comms.lead@demo-company.example"], steps[0].Approvers);
        Assert.Equal("Approval", Assert.Single(catalog.Find("travel-money")!.ApprovalSteps).Name);
    }

    [Fact]
    public void Parse_NoApprovers_NoSteps()
    {
        var product = ProductCatalog.Parse(Head).Products[0];
        Assert.Empty(product.ApprovalSteps);
    }

    [Fact]
    public void Parse_StepsWithoutApproversList_ApproversAreTheUnionOfTheSteps()
    {
        var product = ProductCatalog.Parse(Head + """

                approvalSteps:
                  - { name: Brand, approvers: [b@contoso.example] }
                  - { name: Legal, approvers: [l@contoso.example, b@contoso.example] }
            """).Products[0];
        Assert.Equal(["Brand", "Legal"], product.ApprovalSteps.Select(s => s.Name));
        Assert.Equal(["b@contoso.example", "l@contoso.example"], product.Approvers);
    }

    [Fact]
    public void Parse_BadSteps_EveryProblemReported()
    {
        var ex = Assert.Throws<ProductCatalogException>(() => ProductCatalog.Parse(Head + """

                approvalSteps:
                  - { approvers: [b@contoso.example] }
                  - { name: Legal, approvers: [] }
                  - { name: legal, approvers: [not-a-person] }
            """));
        Assert.Contains(ex.Errors, e => e.Contains("'approvalSteps' #1: missing required field 'name'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("'approvalSteps' #2 ('Legal'): needs at least one entry in 'approvers'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("'approvalSteps.approvers' entry 'not-a-person'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("duplicate step name 'legal'", StringComparison.Ordinal));
    }
}
