using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CrisisBot.Cards.Templates;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Summaries;

/// <summary>Renders the volume chart of a summary as a PNG with ScottPlot (SkiaSharp, no display needed).</summary>
public static class SummaryChartRenderer
{
    public const int Width = 800;
    public const int Height = 360;

    public static byte[] RenderPng(LeadershipSummaryCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var plot = new ScottPlot.Plot();
        var xs = input.Volume.Select(p => p.At.DateTime.ToOADate()).ToArray();
        var posts = plot.Add.Scatter(xs, input.Volume.Select(p => (double)p.Posts).ToArray());
        posts.LegendText = "Posts";
        posts.LineWidth = 2;
        if (input.BaselineVolume is { Count: > 0 } baseline && baseline.Count == xs.Length)
        {
            var week = plot.Add.Scatter(xs, baseline.Select(p => (double)p.Posts).ToArray());
            week.LegendText = "Same time a week before";
            week.LinePattern = ScottPlot.LinePattern.Dashed;
        }

        if (xs.Length > 0)
        {
            plot.Axes.DateTimeTicksBottom();
        }

        plot.Title("Posts per interval against the baseline");
        plot.YLabel("Posts");
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot.GetImageBytes(Width, Height, ScottPlot.ImageFormat.Png);
    }
}

/// <summary>Outcome of checking a chart URL.</summary>
public enum ChartUrlCheck
{
    Valid = 0,
    BadSignature = 1,
    Expired = 2,
}

/// <summary>
/// Signs chart URLs: <c>/charts/{id}.png?exp={unix seconds}&amp;sig={base64url HMAC-SHA256(key, "{id}.{exp}")}</c>. The key is
/// <c>Summaries:ChartSigningKey</c>, else 32 random bytes generated once and stored in <c>SummaryKeys</c>.
/// </summary>
public sealed class ChartUrlSigner(IDbContextFactory<CrisisDbContext> contexts, IOptions<SummaryOptions> options, TimeProvider time)
{
    private byte[]? _key;

    public static byte[]? DecodeKey(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromBase64String(base64.Trim());
            return bytes.Length >= 32 ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The path and query of a chart URL valid for <c>Summaries:ChartUrlLifetime</c> from now.</summary>
    public async Task<string> SignedPathAsync(string summaryId, CancellationToken ct = default)
    {
        var expires = (time.GetUtcNow() + options.Value.ChartUrlLifetime).ToUnixTimeSeconds();
        var sig = Sign(await KeyAsync(ct), summaryId, expires);
        return $"/charts/{summaryId}.png?exp={expires.ToString(CultureInfo.InvariantCulture)}&sig={sig}";
    }

    /// <summary>The absolute https chart URL when <c>Summaries:PublicBaseUrl</c> is set, else null.</summary>
    public async Task<Uri?> PublicUrlAsync(string summaryId, CancellationToken ct = default)
    {
        var baseUrl = options.Value.PublicBaseUrl;
        return string.IsNullOrWhiteSpace(baseUrl) ? null : new Uri(baseUrl.TrimEnd('/') + await SignedPathAsync(summaryId, ct));
    }

    /// <summary>Checks the signature first (403 when wrong), then the expiry (410).</summary>
    public async Task<ChartUrlCheck> CheckAsync(string summaryId, string? exp, string? sig, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(sig) || !long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return ChartUrlCheck.BadSignature;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(await KeyAsync(ct), summaryId, expires));
        var given = Encoding.ASCII.GetBytes(sig);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return ChartUrlCheck.BadSignature;
        }

        return time.GetUtcNow().ToUnixTimeSeconds() >= expires ? ChartUrlCheck.Expired : ChartUrlCheck.Valid;
    }

    internal static string Sign(byte[] key, string summaryId, long expires)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(summaryId + "." + expires.ToString(CultureInfo.InvariantCulture)));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private async Task<byte[]> KeyAsync(CancellationToken ct)
    {
        if (_key is { } cached)
        {
            return cached;
        }

        if (DecodeKey(options.Value.ChartSigningKey) is { } configured)
        {
            return _key = configured;
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var stored = await db.Set<SummaryKey>().AsNoTracking().SingleOrDefaultAsync(k => k.Id == SummaryKey.ChartKeyId, ct);
        if (stored is null)
        {
            db.Add(new SummaryKey { Id = SummaryKey.ChartKeyId, Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), CreatedAt = time.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another instance stored its key first: use that one.
            }

            await using var again = await contexts.CreateDbContextAsync(ct);
            stored = await again.Set<SummaryKey>().AsNoTracking().SingleAsync(k => k.Id == SummaryKey.ChartKeyId, ct);
        }

        return _key = Convert.FromBase64String(stored.Key);
    }
}
