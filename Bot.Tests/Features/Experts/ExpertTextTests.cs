using CrisisBot.Features.Experts;

namespace CrisisBot.Tests.Features.Experts;

public class ExpertTextTests
{
    [Fact]
    public void Similarity_Paraphrase_AboveDefaultThreshold()
    {
        var a = ExpertText.Terms("Are strike cancellations covered by travel insurance?");
        var b = ExpertText.Terms("are STRIKE cancellations covered by our travel insurance");
        Assert.True(ExpertText.Similarity(a, b) >= new ExpertsOptions().JoinSimilarity, $"{a} | {b}");
    }

    [Fact]
    public void Similarity_DifferentQuestion_BelowDefaultThreshold()
    {
        var a = ExpertText.Terms("Are strike cancellations covered by travel insurance?");
        var b = ExpertText.Terms("How do I claim for lost luggage abroad?");
        Assert.True(ExpertText.Similarity(a, b) < new ExpertsOptions().JoinSimilarity);
        Assert.Equal(0, ExpertText.Similarity("", a));
    }

    [Theory]
    [InlineData("refund delay", new[] { "refund", "delay" })]
    [InlineData("\"refund\" OR delay* NEAR(x)", new[] { "refund", "or", "delay", "near" })]
    [InlineData("a ' ; --", new string[0])]
    [InlineData("Café crème", new[] { "café", "crème" })]
    public void SearchWords_OnlyLettersAndDigits_NoQuerySyntaxSurvives(string query, string[] expected) =>
        Assert.Equal(expected, ExpertText.SearchWords(query));
}
