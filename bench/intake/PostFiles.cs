using System.Text.Json;
using CrisisBot.Bench.Quality;
using CrisisBot.Features.HotTopics.Intake;

namespace CrisisBot.Bench.Intake;

/// <summary>Generated post files (bench/quality's generator: 10 days, 15 % noise, spikes), cached by size.</summary>
internal static class PostFiles
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<SocialPost> Generate(int posts, int seed = 7)
    {
        var set = new EvalSetGenerator(seed).Generate(new EvalSetGenerator.Settings(
            Start, Days: 10, PostsPerDay: posts / 10.0, NoiseShare: 0.15, Spikes: 20,
            MinPeakPerHour: Math.Max(40, posts / 2500.0), MaxPeakPerHour: Math.Max(120, posts / 250.0), QuietDays: 2));
        return [.. set.Posts.Select(p => p.Post)];
    }

    public static async Task WriteAsync(string path, int posts)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await using var writer = new Utf8JsonWriter(file);
        foreach (var post in Generate(posts))
        {
            PostJsonWriter.Write(writer, post);
            await writer.FlushAsync();
            writer.Reset();
            file.WriteByte((byte)'\n');
        }
    }

    /// <summary>The cached file for a size (generated on first use).</summary>
    public static async Task<string> GetAsync(string work, int posts)
    {
        var path = Path.Combine(work, $"posts-{posts}.jsonl");
        if (!File.Exists(path))
        {
            await WriteAsync(path + ".tmp", posts);
            File.Move(path + ".tmp", path, overwrite: true);
        }

        return path;
    }
}
