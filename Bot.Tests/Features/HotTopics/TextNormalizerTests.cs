using CrisisBot.Features.HotTopics.Text;

namespace CrisisBot.Tests.Features.HotTopics;

public class TextNormalizerTests
{
    private static TokenizedText Norm(string s)
    {
        var t = new TokenizedText();
        TextNormalizer.Normalize(s, t);
        return t;
    }

    [Fact]
    public void Normalize_NoisyPost_StripsUrlsHandlesEmojiDigitsAndFoldsCase()
    {
        var t = Norm("@DemoCo RT my CLAIM 4 the Café trip!!! 😡😡 https://t.co/xYz www.x.com #refund sooooo slow 2024");
        Assert.Equal("rt my claim the cafe trip refund soo slow", t.ToString());
    }

    [Fact]
    public void FoldTable_BuiltWithOneNormalisationCall_EqualsOneCallPerLetter()
    {
        var reference = TextNormalizer.BuildFoldOneByOne();
        var table = TextNormalizer.FoldTable.ToArray();

        Assert.Equal(reference.Length, table.Length);
        var differing = Enumerable.Range(0, reference.Length).Where(i => reference[i] != table[i]).Take(5).Select(i => $"U+{i:X4}").ToList();
        Assert.Empty(differing);
        Assert.Equal('e', table['É']);  // decomposed, mark dropped, lower-cased
        Assert.Equal('f', table['ﬀ']);  // compatibility ligature: its first letter
        Assert.Equal('a', table['Ａ']); // full width
    }

    [Fact]
    public void Normalize_MarksStopWordsAndStems()
    {
        var t = Norm("The refunds were refunded");
        var tokens = t.Tokens.ToArray();
        Assert.True(tokens[0].IsStopWord);
        Assert.Equal("refund", t.Stem(tokens[1]).ToString());
        Assert.Equal("refund", t.Stem(tokens[3]).ToString());
    }

    [Theory]
    [InlineData("cancelled", "canceled")]
    [InlineData("charges", "charge")]
    [InlineData("delays", "delayed")]
    [InlineData("waiting", "wait")]
    public void StemLength_Variants_ShareStem(string a, string b)
    {
        Assert.Equal(a[..TextNormalizer.StemLength(a)], b[..TextNormalizer.StemLength(b)]);
    }

    [Fact]
    public void Normalize_FullWidthAndApostrophes_Fold()
    {
        Assert.Equal("dont panic", Norm("Ｄｏｎ’t PANIC").ToString());
    }

    [Fact]
    public void Features_Typos_KeepHighSimilarity_DifferentIssues_Low()
    {
        var df = new DocumentFrequencies();
        float Sim(string a, string b)
        {
            var va = Vector(a, df);
            var vb = Vector(b, df);
            return va.Dot(vb);
        }

        var typo = Sim("my parcel was never delivered", "my parcle was nevr deliverd");
        var other = Sim("my parcel was never delivered", "credit card interest rate went up");
        Assert.True(typo > 0.2f, $"typo similarity {typo}");
        Assert.True(other < 0.05f, $"unrelated similarity {other}");
    }

    [Fact]
    public void Extract_SameText_SameVector()
    {
        var a = Vector("Still waiting for my refund", new DocumentFrequencies());
        var b = Vector("Still waiting for my refund", new DocumentFrequencies());
        Assert.Equal(a.Indices.ToArray(), b.Indices.ToArray());
        Assert.Equal(1f, a.Dot(b), 3);
    }

    private static FeatureVector Vector(string text, DocumentFrequencies df)
    {
        var t = new TokenizedText();
        var v = new FeatureVector();
        TextNormalizer.Normalize(text, t);
        FeatureHasher.Extract(t, v);
        df.AddAndWeight(v);
        return v;
    }
}
