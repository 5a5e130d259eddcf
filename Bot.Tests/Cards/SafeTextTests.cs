using System.Globalization;
using System.Text;
using CrisisBot.Cards.Text;

namespace CrisisBot.Tests.Cards;

public class SafeTextTests
{
    private static readonly SafeTextOptions AllowContoso = new() { AllowedLinkHosts = ["contoso.com"] };

    [Fact]
    public void Clean_MarkdownPhishingLink_IsNeitherLinkNorAutoLink()
    {
        var result = SafeText.Clean("Refund here: [Claim your refund](https://phish.example/login?u=1)", 500);

        Assert.DoesNotContain("](", result, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", result, StringComparison.Ordinal);
        Assert.DoesNotContain("phish.example", result, StringComparison.Ordinal);
        Assert.Contains(@"\[Claim your refund\]", result, StringComparison.Ordinal);
        Assert.Contains(@"hxxps://phish\[.\]example/login?u=1", result, StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_AllowListedHost_BecomesMarkdownLink()
    {
        var result = SafeText.Clean("See https://help.contoso.com/travel(1) now.", 500, AllowContoso);
        Assert.Equal(@"See [help.contoso.com/travel\(1\)](https://help.contoso.com/travel%281%29) now.", result);
    }

    [Theory]
    [InlineData("http://contoso.com/x")]
    [InlineData("https://contoso.com.evil.example/x")]
    [InlineData("https://user@contoso.com/x")]
    [InlineData("https://notcontoso.com/x")]
    public void Clean_LookAlikeOrInsecureLink_IsDefanged(string url)
    {
        var result = SafeText.Clean(url, 500, AllowContoso);
        Assert.DoesNotContain("](", result, StringComparison.Ordinal);
        Assert.DoesNotContain("://contoso.com", result, StringComparison.Ordinal);
        Assert.StartsWith("hxxp", result, StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_WwwLinkWithoutScheme_IsDefanged()
    {
        Assert.Equal(@"visit www\[.\]phish\[.\]example/a", SafeText.Clean("visit www.phish.example/a", 100));
    }

    [Fact]
    public void Clean_FakeMention_CannotOpenAtTag()
    {
        var result = SafeText.Clean("Message from <at>CEO</at>: pay now &lt;at&gt;", 200);
        Assert.DoesNotContain("<at>", result, StringComparison.Ordinal);
        Assert.DoesNotContain("</at>", result, StringComparison.Ordinal);
        Assert.Contains("\u2039at\u203ACEO\u2039/at\u203A", result, StringComparison.Ordinal);
        Assert.Contains(@"\&lt;", result, StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_Html_IsNeutralised()
    {
        var result = SafeText.Clean("<script>alert(1)</script><img src=x onerror=y>", 200);
        Assert.DoesNotContain("<", result, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("**bold** _it_ ~~s~~", @"\*\*bold\*\* \_it\_ \~\~s\~\~")]
    [InlineData("# Heading", @"\# Heading")]
    [InlineData("- item", @"\- item")]
    [InlineData("12. item", @"12\. item")]
    [InlineData("a - b # c", "a - b # c")]
    [InlineData(@"back\slash", @"back\\slash")]
    public void Clean_Markdown_IsEscaped(string input, string expected)
    {
        Assert.Equal(expected, SafeText.Clean(input, 200));
    }

    [Fact]
    public void Clean_MultilineListsKeptAsText_WhenLineBreaksKept()
    {
        var result = SafeText.Clean("Steps:\r\n- one\n\n\n2. two", 200, new SafeTextOptions { KeepLineBreaks = true });
        Assert.Equal("Steps:\n\\- one\n2\\. two", result);
    }

    [Fact]
    public void Clean_ControlCharsAndWhitespace_Normalised()
    {
        Assert.Equal("a b c d", SafeText.Clean("  a\t\tb\r\n\u0007c\u00A0\u2028d  ", 100));
    }

    [Fact]
    public void Clean_TenThousandChars_TruncatedWithEllipsis()
    {
        var result = SafeText.Clean(new string('x', 10_000), 280);
        Assert.Equal(280, result.Length);
        Assert.EndsWith("\u2026", result, StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_ExactlyMax_NotTruncated()
    {
        Assert.Equal(new string('y', 50), SafeText.Clean(new string('y', 50), 50));
    }

    [Fact]
    public void Clean_Emoji_TruncatedOnGraphemeBoundary()
    {
        var family = "\U0001F468\u200D\U0001F469\u200D\U0001F467"; // 👨‍👩‍👧, 8 UTF-16 units, one grapheme
        var text = string.Concat(Enumerable.Repeat(family, 10));
        var result = SafeText.Clean(text, 20);
        Assert.Equal(family + family + "\u2026", result);
        Assert.True(IsValidUtf16(result));
    }

    [Fact]
    public void Clean_ZeroWidthAndBidiOverrides_Removed_RtlTextKept()
    {
        var input = "pay\u200Bpal \u202Egnp.exe\u202C \u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627\uFEFF";
        var result = SafeText.Clean(input, 200);
        Assert.Equal("paypal gnp.exe \u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627", result);
    }

    [Fact]
    public void Clean_InvalidSurrogates_ReplacedWithReplacementChar()
    {
        var input = "a\uD800b\uDC00c";
        var result = SafeText.Clean(input, 100);
        Assert.Equal("a\uFFFDb\uFFFDc", result);
        Assert.True(IsValidUtf16(result));
    }

    [Fact]
    public void Clean_StackedCombiningMarks_CappedPerGrapheme()
    {
        var zalgo = "Z" + new string('\u0301', 500) + "ok";
        var result = SafeText.Clean(zalgo, 100);
        Assert.True(result.Length <= 30, $"length {result.Length}");
        Assert.EndsWith("ok", result, StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_PlainText_NoEscapesButStillDefangedAndNeutralised()
    {
        var options = new SafeTextOptions { PlainText = true, AllowedLinkHosts = ["contoso.com"] };
        var result = SafeText.Clean("**Hi** <at>CEO</at> https://phish.example/a_b https://contoso.com/x", 200, options);
        Assert.Equal("**Hi** \u2039at\u203ACEO\u2039/at\u203A hxxps://phish[.]example/a_b https://contoso.com/x", result);
    }

    [Fact]
    public void Clean_NullOrEmpty_ReturnsEmpty()
    {
        Assert.Equal(string.Empty, SafeText.Clean(null, 10));
        Assert.Equal(string.Empty, SafeText.Clean(" \u200B ", 10));
    }

    [Fact]
    public void Clean_MaxLengthTooSmall_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SafeText.Clean("x", 1));
    }

    private static bool IsValidUtf16(string s)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetBytes(s);
            return StringInfo.ParseCombiningCharacters(s).Length > 0 || s.Length == 0;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }
}
