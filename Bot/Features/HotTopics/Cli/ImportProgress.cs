using System.Diagnostics;
using System.Globalization;

namespace CrisisBot.Features.HotTopics.Cli;

/// <summary>
/// Progress of an import or replay on standard error: a bar with percentage, rate and ETA redrawn in place on a
/// terminal (at most 4 times a second), or a plain line every few seconds when standard error is not a terminal.
/// </summary>
internal sealed class ImportProgress(TextWriter error, bool interactive, long total, string unit)
{
    private const int BarWidth = 30;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private TimeSpan? _last;
    private bool _drewBar;
    private (long Done, long Posts) _printed = (-1, -1);

    /// <summary>True when <paramref name="error"/> is the real console and it is not redirected.</summary>
    public static bool IsInteractive(TextWriter error) => ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;

    public TimeSpan Elapsed => _watch.Elapsed;

    /// <summary>Reports <paramref name="done"/> units of <c>total</c> and <paramref name="posts"/> posts handled so far.</summary>
    public void Report(long done, long posts, bool final = false)
    {
        var now = _watch.Elapsed;
        var interval = interactive ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(5);
        if ((!final && _last is { } last && now - last < interval) || _printed == (done, posts))
        {
            return;
        }

        _printed = (done, posts);

        _last = now;
        var fraction = total <= 0 ? 1.0 : Math.Clamp((double)done / total, 0, 1);
        var seconds = Math.Max(now.TotalSeconds, 1e-3);
        var rate = posts / seconds;
        var eta = fraction > 0 && fraction < 1 ? TimeSpan.FromSeconds(seconds * (1 - fraction) / fraction) : TimeSpan.Zero;
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{fraction * 100,5:0.0}% {posts,12:N0} posts {rate,10:N0} posts/s  ETA {Format(eta)}  ({Format(now)} elapsed, {unit})");
        if (interactive)
        {
            var filled = (int)Math.Round(fraction * BarWidth);
            error.Write($"\r[{new string('#', filled)}{new string('-', BarWidth - filled)}] {text}");
            _drewBar = true;
            if (final)
            {
                error.WriteLine();
            }
        }
        else
        {
            error.WriteLine(text);
        }
    }

    /// <summary>Ends the in-place bar line before other output.</summary>
    public void Break()
    {
        if (interactive && _drewBar)
        {
            error.WriteLine();
            _drewBar = false;
        }
    }

    private static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
