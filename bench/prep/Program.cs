// bench/prep: CPU time and allocations per post of the import's work outside the engine (issue 5 §8), single-threaded:
//   parse    JsonPostReader over the file's bytes in memory (framing, UTF-8 → strings, validation, SocialPost)
//   prepare  what HotTopicPipeline.Prepare does per post (FeatureChunk.Add): TextNormalizer.Normalize,
//            FeatureHasher.Extract (incl. SortAndMerge), ProductRouter.ScoreRules, AbuseLexicon.IsAbusive;
//            and each step alone (normalise, +extract, +rules, +abuse) to attribute the time.
// It prints a digest of everything it computed (post fields, features, rule scores, abuse flags): two builds that
// print the same digest computed the same results bit for bit.
//   dotnet run --project bench/prep -c Release                 posts-100000.jsonl, best of 5 rounds
//   dotnet run --project bench/prep -c Release -- --smoke      posts-2000.jsonl, 1 round
//   options: --posts N (file size), --rounds N
using System.Diagnostics;
using System.Security.Cryptography;
using System.Runtime.InteropServices;
using CrisisBot.Bench.Intake;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Text;
using CrisisBot.Features.HotTopics.Topics;

var smoke = args.Contains("--smoke");
var postCount = Option("--posts", smoke ? 2000 : 100_000);
var rounds = Option("--rounds", smoke ? 1 : 5);
var work = Path.Combine(Path.GetTempPath(), "crisisbot-bench-intake");
Directory.CreateDirectory(work);
var path = await PostFiles.GetAsync(work, postCount);
var bytes = await File.ReadAllBytesAsync(path);
var catalog = ProductCatalog.Load(Path.Combine(AppContext.BaseDirectory, "products.sample.yaml"));
var router = new ProductRouter(catalog);
var reader = new JsonPostReader(TimeProvider.System);

List<SocialPost> posts = [];
var parse = Measure(() =>
{
    posts = [];
    foreach (var r in reader.Read(new MemoryStream(bytes, writable: false)))
    {
        if (r.Post is { } p)
        {
            posts.Add(p);
        }
    }
});
var parseStreamCount = Measure(() =>
{
    var n = 0;
    foreach (var r in reader.Read(new MemoryStream(bytes, writable: false)))
    {
        n += r.IsSuccess ? 1 : 0;
    }
});
var parseBody = Measure(() =>
{
    var n = 0;
    foreach (var r in reader.Read(new ArraySegment<byte>(bytes)))
    {
        n += r.IsSuccess ? 1 : 0;
    }

    if (n != posts.Count)
    {
        throw new InvalidOperationException($"the in-memory read gave {n} posts, the stream read {posts.Count}");
    }
});

var tokens = new TokenizedText();
var vector = new FeatureVector();
var scores = new float[router.ProductCount];
var sink = 0;
var normalize = Measure(() =>
{
    foreach (var p in posts)
    {
        TextNormalizer.Normalize(p.Text, tokens);
        sink += tokens.TokenCount;
    }
});
var extract = Measure(() =>
{
    foreach (var p in posts)
    {
        TextNormalizer.Normalize(p.Text, tokens);
        FeatureHasher.Extract(tokens, vector);
        sink += vector.Count;
    }
});
var rules = Measure(() =>
{
    foreach (var p in posts)
    {
        TextNormalizer.Normalize(p.Text, tokens);
        router.ScoreRules(tokens, scores);
    }
});
var abuse = Measure(() =>
{
    foreach (var p in posts)
    {
        TextNormalizer.Normalize(p.Text, tokens);
        sink += AbuseLexicon.IsAbusive(tokens) ? 1 : 0;
    }
});
var prepare = Measure(() =>
{
    foreach (var p in posts)
    {
        TextNormalizer.Normalize(p.Text, tokens);
        FeatureHasher.Extract(tokens, vector);
        router.ScoreRules(tokens, scores);
        sink += AbuseLexicon.IsAbusive(tokens) ? 1 : 0;
    }
});

// The digest: every field of every post and everything Prepare computes for it.
using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
foreach (var p in posts)
{
    sha.AppendData(System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(p)));
    TextNormalizer.Normalize(p.Text, tokens);
    FeatureHasher.Extract(tokens, vector);
    router.ScoreRules(tokens, scores);
    sha.AppendData(MemoryMarshal.AsBytes(vector.Indices));
    sha.AppendData(MemoryMarshal.AsBytes(vector.Values));
    sha.AppendData(MemoryMarshal.AsBytes(scores.AsSpan()));
    sha.AppendData([AbuseLexicon.IsAbusive(tokens) ? (byte)1 : (byte)0]);
    foreach (var t in tokens.Tokens)
    {
        sha.AppendData(MemoryMarshal.AsBytes(tokens.Surface(t)));
        sha.AppendData([(byte)t.StemLength, t.IsStopWord ? (byte)1 : (byte)0]);
    }
}

var digest = Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
Console.WriteLine($"## bench/prep: parse and prepare CPU per post ({posts.Count:N0} posts of {Path.GetFileName(path)}, {bytes.Length / 1e6:N1} MB; best of {rounds} rounds, one thread)");
Console.WriteLine();
Console.WriteLine("| step | µs CPU per post | bytes allocated per post |");
Console.WriteLine("|---|---:|---:|");
Row("parse (JsonPostReader → SocialPost)", parse);
Row("parse stream, posts not kept", parseStreamCount);
Row("parse a body in memory (POST /api/posts' path)", parseBody);
Row("normalise", normalize);
Row("normalise + extract features", extract);
Row("normalise + routing rules", rules);
Row("normalise + abuse flag", abuse);
Row("prepare (all four, as FeatureChunk.Add)", prepare);
Row("**parse + prepare**", (parse.Us + prepare.Us, parse.Bytes + prepare.Bytes));
Console.WriteLine();
Console.WriteLine($"Results digest (post fields, features, rule scores, abuse flags): `{digest}` (equal digests = bit-identical results). Load average: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}. (sink {sink % 10})");
return 0;

void Row(string name, (double Us, double Bytes) m) => Console.WriteLine($"| {name} | {m.Us:N2} | {m.Bytes:N0} |");

(double Us, double Bytes) Measure(Action pass)
{
    pass(); // warm-up (JIT tiers); the figures are the best round's
    var best = (Us: double.MaxValue, Bytes: 0.0);
    for (var i = 0; i < rounds; i++)
    {
        GC.Collect();
        var bytes0 = GC.GetAllocatedBytesForCurrentThread();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        pass();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / Math.Max(1, posts.Count);
        var alloc = (GC.GetAllocatedBytesForCurrentThread() - bytes0) / (double)Math.Max(1, posts.Count);
        if (cpu < best.Us)
        {
            best = (cpu, alloc);
        }
    }

    return best;
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
