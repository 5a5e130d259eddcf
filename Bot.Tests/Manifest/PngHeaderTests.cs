using CrisisBot.Infrastructure.Cli.Manifest;
using static CrisisBot.Tests.Manifest.ManifestTestSupport;

namespace CrisisBot.Tests.Manifest;

public class PngHeaderTests
{
    [Fact]
    public void TryRead_Png_ReturnsSizeAndAlpha()
    {
        Assert.True(PngHeader.TryRead(MakePng(48, 20), out var header));

        Assert.Equal(48, header.Width);
        Assert.Equal(20, header.Height);
        Assert.True(header.HasAlphaChannel);
    }

    [Theory]
    [InlineData("")]
    [InlineData("GIF89a........................................")]
    public void TryRead_NotPng_ReturnsFalse(string content)
    {
        Assert.False(PngHeader.TryRead(System.Text.Encoding.ASCII.GetBytes(content), out _));
    }

    [Fact]
    public void TryRead_TruncatedPng_ReturnsFalse()
    {
        Assert.False(PngHeader.TryRead(MakePng(32, 32).AsSpan(0, 20), out _));
    }
}
