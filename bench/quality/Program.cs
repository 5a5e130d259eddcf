using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CrisisBot.Bench.Quality;
using CrisisBot.Features.HotTopics;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;

// Usage:
//   dotnet run --project bench/quality -c Release                 quality + throughput report (markdown on stdout)
//   dotnet run --project bench/quality -c Release -- --smoke      the same on a small set (5 days, 4 spikes; bench/run.sh --smoke)
//   dotnet run --project bench/quality -c Release -- demo <file>  write the demo crisis (fixed seed) as NDJSON
//   dotnet run --project bench/quality -c Release -- dataset <file>  write the labelled evaluation set as NDJSON
//   dotnet run --project bench/quality -c Release -- engine <file.jsonl> [--rounds N] [--views]  the engine alone on prepared features (µs/post); --views: plus the snapshots of each batch's changed topics, as the import's views step takes them
var inv = CultureInfo.InvariantCulture;
var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
// Spikes peak at 50–150 posts/hour per topic (a crisis flood: about 5–15× a topic's daytime rate). `--weak` uses
// 25–60/hour (2–5×) to show where detection gets slow.
var weak = args.Contains("--weak");
// `--smoke` (bench/run.sh --smoke: the harness must run, the figures do not count): a 5-day set at 600 posts/day with
// 4 spikes, about a tenth of the posts, so the report is produced in a few seconds.
var smoke = args.Contains("--smoke");
var evalSettings = new EvalSetGenerator.Settings(start, Days: smoke ? 5 : 14, PostsPerDay: smoke ? 600 : 1500, NoiseShare: 0.15,
    Spikes: smoke ? 4 : 14, MinPeakPerHour: weak ? 25 : 50, MaxPeakPerHour: weak ? 60 : 150, QuietDays: 2);

if (args.Length >= 2 && args[0] == "demo")
{
    var demo = new EvalSetGenerator(seed: 20260324).Generate(new EvalSetGenerator.Settings(
        new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.Zero), Days: 10, PostsPerDay: 130, NoiseShare: 0.15, Spikes: 7,
        MinPeakPerHour: 25, MaxPeakPerHour: 60, QuietDays: 2));
    await WriteNdjsonAsync(args[1], demo.Posts.Select(p => p.Post), labels: null);
    Console.WriteLine($"wrote {demo.Posts.Count} posts, {demo.Spikes.Count} spikes to {args[1]}");
    foreach (var s in demo.Spikes)
    {
        Console.WriteLine($"  spike {demo.TopicNames[s.Label]} {s.Start:u} → {s.End:u} peak {s.PeakPerHour:F0}/h");
    }

    return 0;
}

if (args.Length >= 2 && args[0] == "engine")
{
    var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).FirstOrDefault() is { } r ? int.Parse(r, inv) : 3;
    return EngineBench.Run(args[1], rounds, ProductCatalog.Load(FindProducts()), views: args.Contains("--views"));
}

var seedArg = args.SkipWhile(a => a != "--seed").Skip(1).FirstOrDefault();
var seed = seedArg is null ? 42 : int.Parse(seedArg, inv);
var set = new EvalSetGenerator(seed).Generate(evalSettings);
if (args.Length >= 2 && args[0] == "dataset")
{
    await WriteNdjsonAsync(args[1], set.Posts.Select(p => p.Post), set.Posts.Select(p => p.Label).ToList());
    Console.WriteLine($"wrote {set.Posts.Count} posts to {args[1]}");
    return 0;
}

var catalog = ProductCatalog.Load(FindProducts());
var options = new HotTopicOptions();
string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
if (Arg("--join") is { } join)
{
    options = options with { Clustering = options.Clustering with { JoinThreshold = float.Parse(join, inv) } };
}

if (Arg("--merge") is { } merge)
{
    options = options with { Clustering = options.Clustering with { MergeThreshold = float.Parse(merge, inv) } };
}

if (Arg("--sub-window") is { } subWindow)
{
    options = options with { Clustering = options.Clustering with { SubTopicWindow = TimeSpan.FromMinutes(double.Parse(subWindow, inv)) } };
}

if (Arg("--sub-merge") is { } subMerge)
{
    options = options with { Clustering = options.Clustering with { SubTopicMergeFactor = float.Parse(subMerge, inv) } };
}

if (Arg("--sub-mean") is { } subMean)
{
    options = options with { Clustering = options.Clustering with { SubTopicMeanFactor = float.Parse(subMean, inv) } };
}

if (Arg("--mean") is { } mean)
{
    options = options with { Clustering = options.Clustering with { MinMeanSimilarity = float.Parse(mean, inv) } };
}

if (Arg("--strong") is { } strong)
{
    options = options with { Clustering = options.Clustering with { StrongTermWeight = float.Parse(strong, inv) } };
}

if (Arg("--pon") is { } pon)
{
    options = options with { Spikes = options.Spikes with { OnsetPValue = double.Parse(pon, inv) } };
}

if (Arg("--mincount") is { } minCount)
{
    options = options with { Spikes = options.Spikes with { MinCount = int.Parse(minCount, inv) } };
}

var skipThroughput = args.Contains("--no-throughput");
var sb = new StringBuilder();
sb.AppendLine(inv, $"Evaluation set: seed {seed}, {set.Days} days from {start:yyyy-MM-dd}, {set.Posts.Count:N0} posts "
    + $"({set.Posts.Count / (double)set.Days:F0}/day), {set.TopicNames.Count} true topics, "
    + $"{set.Posts.Count(p => p.Label < 0):N0} noise posts, {set.Spikes.Count} injected spikes.");
sb.AppendLine();

// ---- Our engine ----
var engine = new HotTopicEngine(new ProductRouter(catalog), options);
var assigned = new List<TopicId?>(set.Posts.Count);
var cards = new CardSimulator(engine);
var sw = Stopwatch.StartNew();
var explain = args.Contains("--explain");
foreach (var p in set.Posts)
{
    var outcome = engine.Process(p.Post);
    assigned.Add(outcome.TopicId);
    var postedBefore = cards.Posted.Count;
    cards.After(outcome, p.Post.CreatedAt);
    if (explain && cards.Posted.Count > postedBefore)
    {
        Explain(cards.Posted[^1].Topic, p.Post.CreatedAt);
    }
}

sw.Stop();

// Diagnostics (--explain): at every new card, how the new card's topic relates to every other hot topic of its product.
void Explain(TopicId id, DateTimeOffset at)
{
    var topic = engine.GetTopic(id);
    if (topic is null)
    {
        return;
    }

    string Label(TopicId t)
    {
        var c = engine.Canonical(t);
        var label = assigned.Select((x, i) => (x, i)).Where(x => x.x is { } y && engine.Canonical(y) == c)
            .GroupBy(x => set.Posts[x.i].Label).OrderByDescending(g => g.Count()).First().Key;
        return label >= 0 ? set.TopicNames[label] : "noise";
    }

    foreach (var other in engine.Topics(2).Where(o => o.Id != id && o.Product == topic.Product && o.State == TopicState.Hot))
    {
        var otherOnset = engine.Alarms.LastOrDefault(a => a.Scope == AlarmScope.Topic && a.Transition == AlarmTransition.Onset && a.TopicId is { } t && engine.Canonical(t) == other.Id);
        Console.Error.WriteLine($"EXPLAIN {at:MM-dd HH:mm} new card {id} [{Label(id)}] while {other.Id} [{Label(other.Id)}] is hot (its onset {otherOnset?.At:HH:mm}, {(at - (otherOnset?.At ?? at)).TotalMinutes:F0} min before):");
        Console.Error.Write(engine.DescribePair(id, other.Id));
    }
}

if (explain)
{
    foreach (var m in engine.SubTopicMerges)
    {
        string LabelOf(TopicId t) => assigned.Select((x, i) => (x, i)).Where(x => x.x == t).GroupBy(x => set.Posts[x.i].Label)
            .OrderByDescending(g => g.Count()).Select(g => g.Key >= 0 ? set.TopicNames[g.Key] : "noise").FirstOrDefault("?");
        Console.Error.WriteLine($"SUBTOPIC MERGE {m.At:MM-dd HH:mm} {m.From} [{LabelOf(m.From)}] into {m.Into} [{LabelOf(m.Into)}]");
    }
}

var predicted = assigned.Select((t, i) => t is { } id ? engine.Canonical(id).Value : -1_000_000 - i).ToList();
var truthSingleNoise = set.Posts.Select((p, i) => p.Label >= 0 ? p.Label : -1_000_000 - i).ToList();
var ours = ClusterMetrics.Score(truthSingleNoise, predicted);
var topical = Enumerable.Range(0, set.Posts.Count).Where(i => set.Posts[i].Label >= 0).ToList();
var oursTopical = ClusterMetrics.Score(topical.Select(i => set.Posts[i].Label).ToList(), topical.Select(i => predicted[i]).ToList());

// Routing accuracy on topical posts (website-login-down is meant for triage).
var routeHits = 0;
var router = new ProductRouter(catalog);
foreach (var i in topical)
{
    var expected = TopicBank.Topics[set.Posts[i].Label].Product;
    routeHits += router.Route(set.Posts[i].Post.Text).ProductKey == expected ? 1 : 0;
}

// ---- Alarms vs injected spikes ----
var majority = MajorityLabels(set, predicted);
var alarmReport = EvaluateAlarms(set, engine, majority, cards.Posted);
var noiseInTopics = set.Posts.Select((p, i) => (p, i)).Count(x => x.p.Label < 0 && majority.GetValueOrDefault(predicted[x.i], -1) >= 0);
var noiseClusters = predicted.Where((c, i) => set.Posts[i].Label < 0).GroupBy(c => c).Count(g => g.Count() > 1);
Console.Error.WriteLine("noise cluster sizes: " + string.Join(",", predicted.Where((c, i) => set.Posts[i].Label < 0).GroupBy(c => c).Select(g => g.Count()).Where(n => n > 1).OrderDescending().Take(15)));
foreach (var g in predicted.Select((c, i) => (c, i)).Where(x => set.Posts[x.i].Label < 0).GroupBy(x => x.c).OrderByDescending(g => g.Count()).Take(2))
{
    Console.Error.WriteLine($"  cluster {g.Key}: " + engine.GetTopic(new TopicId(g.Key))?.Title + " | " + string.Join(" || ", g.Take(4).Select(x => set.Posts[x.i].Post.Text)));
}

Console.Error.WriteLine($"noise posts in topic-majority clusters: {noiseInTopics}; noise clusters with >1 noise post: {noiseClusters}");

// ---- Naive baselines ----
var naiveRows = new List<string>();
foreach (var threshold in new[] { 0.3, 0.4, 0.5 })
{
    var naive = new NaiveCentroidClusterer(threshold);
    var naivePred = set.Posts.Select((p, i) => naive.Assign(p.Post.Text) is var c && c >= 0 ? c : -1_000_000 - i).ToList();
    var all = ClusterMetrics.Score(truthSingleNoise, naivePred);
    var top = ClusterMetrics.Score(topical.Select(i => set.Posts[i].Label).ToList(), topical.Select(i => naivePred[i]).ToList());
    naiveRows.Add(string.Create(inv, $"| naive online TF-IDF centroid, threshold {threshold:F1} | {all.Purity:F3} | {all.Nmi:F3} | {all.Ari:F3} | {top.Purity:F3} | {top.Nmi:F3} | {top.Ari:F3} | {naivePred.Distinct().Count(c => c >= 0):N0} |"));
}

sb.AppendLine("| Method | Purity | NMI | ARI | Purity (topical only) | NMI (topical only) | ARI (topical only) | Clusters |");
sb.AppendLine("|---|---|---|---|---|---|---|---|");
sb.AppendLine(inv, $"| **CrisisBot core** (word+char n-gram TF-IDF, candidate index, merge) | **{ours.Purity:F3}** | **{ours.Nmi:F3}** | **{ours.Ari:F3}** | {oursTopical.Purity:F3} | {oursTopical.Nmi:F3} | {oursTopical.Ari:F3} | {engine.Topics().Count:N0} |");
foreach (var row in naiveRows)
{
    sb.AppendLine(row);
}

sb.AppendLine();
sb.AppendLine(inv, $"Topics with ≥ 20 posts: {engine.Topics(20).Count} (true topics: {set.TopicNames.Count}); merges: {engine.Merges.Count}. "
    + $"Routing accuracy on topical posts: {routeHits / (double)topical.Count:P1}.");
sb.AppendLine();
sb.Append(alarmReport);
sb.AppendLine();
sb.AppendLine("Largest topics (title → product, posts, majority true topic):");
sb.AppendLine();
foreach (var t in engine.Topics(20).Take(16))
{
    var label = majority.GetValueOrDefault(t.Id.Value, -1);
    sb.AppendLine(inv, $"- `{t.Id}` **{t.Title}** → {t.Product}, {t.Posts} posts, {t.State}; true: {(label >= 0 ? set.TopicNames[label] : "noise")}");
}

sb.AppendLine();
sb.AppendLine(inv, $"Quality run: {set.Posts.Count:N0} posts through the engine in {sw.Elapsed.TotalMilliseconds:F0} ms (objects already parsed).");
sb.AppendLine();

// ---- Throughput: parse + route + cluster + detect, no DB ----
if (!skipThroughput)
{
    sb.Append(await ThroughputAsync(catalog));
}

Console.WriteLine(sb.ToString());
return 0;

static Dictionary<int, int> MajorityLabels(EvalSet set, List<int> predicted)
{
    var counts = new Dictionary<int, Dictionary<int, int>>();
    for (var i = 0; i < predicted.Count; i++)
    {
        if (!counts.TryGetValue(predicted[i], out var c))
        {
            counts[predicted[i]] = c = [];
        }

        c[set.Posts[i].Label] = c.GetValueOrDefault(set.Posts[i].Label) + 1;
    }

    return counts.ToDictionary(kv => kv.Key, kv => kv.Value.OrderByDescending(x => x.Value).ThenBy(x => x.Key).First().Key);
}

static string EvaluateAlarms(EvalSet set, HotTopicEngine engine, Dictionary<int, int> majority, List<(TopicId Topic, DateTimeOffset At)> posted)
{
    var inv = CultureInfo.InvariantCulture;
    var grace = TimeSpan.FromHours(2);
    var onsets = engine.Alarms.Where(a => a.Scope == AlarmScope.Topic && a.Transition == AlarmTransition.Onset).ToList();
    var delays = new List<double>();
    var cardsPerSpike = new List<int>();
    var matched = new HashSet<TopicAlarm>();
    var matchedCards = new HashSet<(TopicId Topic, DateTimeOffset At)>();
    var lines = new StringBuilder();
    lines.AppendLine("| Spike (true topic) | Start (event time) | Peak/h | First alarm | Delay (min) | Severity | Cards |");
    lines.AppendLine("|---|---|---|---|---|---|---|");
    foreach (var spike in set.Spikes.OrderBy(s => s.Start))
    {
        var mine = onsets.Where(a => majority.GetValueOrDefault(engine.Canonical(a.TopicId!.Value).Value, -1) == spike.Label
                && a.At >= spike.Start && a.At <= spike.End + grace)
            .OrderBy(a => a.At)
            .ToList();
        matched.UnionWith(mine);
        var first = mine.FirstOrDefault(a => a.At <= spike.End);
        var spikeCards = posted.Where(c => majority.GetValueOrDefault(engine.Canonical(c.Topic).Value, -1) == spike.Label
                && c.At >= spike.Start && c.At <= spike.End + grace)
            .ToList();
        matchedCards.UnionWith(spikeCards);
        cardsPerSpike.Add(spikeCards.Count);
        if (first is not null)
        {
            delays.Add((first.At - spike.Start).TotalMinutes);
        }

        lines.AppendLine(inv, $"| {set.TopicNames[spike.Label]} | {spike.Start:yyyy-MM-dd HH:mm} | {spike.PeakPerHour:F0} | {(first is null ? "**missed**" : first.At.ToString("HH:mm:ss", inv))} | {(first is null ? "–" : (first.At - spike.Start).TotalMinutes.ToString("F1", inv))} | {first?.Severity.ToString() ?? "–"} | {spikeCards.Count}{(spikeCards.Count > 1 ? " (" + string.Join(", ", spikeCards.Select(m => $"{m.Topic} {m.At:HH:mm}")) + ")" : "")} |");
    }

    var falseAlarms = onsets.Where(a => !matched.Contains(a)).ToList();
    var topicWeeks = set.TopicNames.Count * set.Days / 7.0;
    delays.Sort();
    var median = delays.Count == 0 ? double.NaN : delays.Count % 2 == 1 ? delays[delays.Count / 2] : (delays[(delays.Count / 2) - 1] + delays[delays.Count / 2]) / 2;
    var sb = new StringBuilder();
    sb.AppendLine(inv, $"Spikes alarmed: **{delays.Count}/{set.Spikes.Count}**; alarm delay median **{median:F1} min**, max **{(delays.Count > 0 ? delays.Max() : double.NaN):F1} min** (event time, from spike start to the post that fired the alarm).");
    sb.AppendLine(inv, $"False topic alarms: **{falseAlarms.Count}** over {topicWeeks:F0} topic-weeks = **{falseAlarms.Count / topicWeeks:F2} per topic-week**.");
    sb.AppendLine(inv, $"Cards per topic per spike (posts decided by the bot's TopicCardPolicy, as TopicCardPublisher does): **{(cardsPerSpike.Count > 0 ? cardsPerSpike.Average() : 0):F2}** (max {(cardsPerSpike.Count > 0 ? cardsPerSpike.Max() : 0)}, {cardsPerSpike.Count(c => c == 1)} of {cardsPerSpike.Count} spikes exactly 1); escalations and merges update cards in place. Cards outside any spike (false alarms): {posted.Count - matchedCards.Count}; onsets that would post per spike before the policy: {onsets.Count(matched.Contains) / (double)Math.Max(1, set.Spikes.Count):F2}.");
    var productOnsets = engine.Alarms.Count(a => a.Scope == AlarmScope.Product && a.Transition == AlarmTransition.Onset);
    var overallOnsets = engine.Alarms.Count(a => a.Scope == AlarmScope.Overall && a.Transition == AlarmTransition.Onset);
    sb.AppendLine(inv, $"Product-level alarm onsets: {productOnsets}; overall-volume onsets: {overallOnsets}.");
    foreach (var fa in falseAlarms.Take(10))
    {
        var label = majority.GetValueOrDefault(engine.Canonical(fa.TopicId!.Value).Value, -1);
        sb.AppendLine(inv, $"- false alarm: {fa.TopicId} ({(label >= 0 ? set.TopicNames[label] : "noise")}) at {fa.At:yyyy-MM-dd HH:mm}, count {fa.Count}, expected {fa.Expected:F2}, p {fa.PValue:E1}");
    }

    sb.AppendLine();
    sb.Append(lines);
    return sb.ToString();
}

static async Task<string> ThroughputAsync(ProductCatalog catalog)
{
    var inv = CultureInfo.InvariantCulture;
    var sb = new StringBuilder();
    sb.AppendLine("| Posts | Parse only (posts/s) | Parse + route + cluster + detect (posts/s) | Topics | Allocated / post |");
    sb.AppendLine("|---|---|---|---|---|");
    var big = new EvalSetGenerator(seed: 7).Generate(new EvalSetGenerator.Settings(
        new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero), Days: 10, PostsPerDay: 20_000, NoiseShare: 0.15, Spikes: 20,
        MinPeakPerHour: 200, MaxPeakPerHour: 800, QuietDays: 2));
    var path = Path.Combine(Path.GetTempPath(), "crisisbot-bench-throughput.jsonl");
    await WriteNdjsonAsync(path, big.Posts.Select(p => p.Post), labels: null);
    var clock = TimeProvider.System;

    var parseWatch = Stopwatch.StartNew();
    var parsed = 0;
    await using (var stream = File.OpenRead(path))
    {
        foreach (var item in new JsonPostReader(clock).Read(stream))
        {
            parsed += item.IsSuccess ? 1 : 0;
        }
    }

    parseWatch.Stop();

    var engine = new HotTopicEngine(new ProductRouter(catalog));
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var watch = Stopwatch.StartNew();
    await using (var stream = File.OpenRead(path))
    {
        foreach (var item in new JsonPostReader(clock).Read(stream))
        {
            if (item.Post is { } post)
            {
                engine.Process(post);
            }
        }
    }

    watch.Stop();
    var perPost = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)parsed;
    sb.AppendLine(inv, $"| {parsed:N0} | {parsed / parseWatch.Elapsed.TotalSeconds:N0} | **{parsed / watch.Elapsed.TotalSeconds:N0}** | {engine.Topics().Count:N0} | {perPost:N0} B |");
    sb.AppendLine();
    sb.AppendLine(inv, $"Throughput input: {big.Days} days at {big.Posts.Count / big.Days:N0} posts/day, NDJSON file of {new FileInfo(path).Length / 1e6:F0} MB, single thread, {Environment.ProcessorCount} cores shared. Peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB.");
    File.Delete(path);
    return sb.ToString();
}

static async Task WriteNdjsonAsync(string path, IEnumerable<SocialPost> posts, List<int>? labels)
{
    var dir = Path.GetDirectoryName(Path.GetFullPath(path));
    if (dir is not null)
    {
        Directory.CreateDirectory(dir);
    }

    await using var file = File.Create(path);
    var i = 0;
    foreach (var p in posts)
    {
        using (var w = new Utf8JsonWriter(file, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("id", p.Id);
            w.WriteString("source", p.Source);
            if (p.Author is { } a)
            {
                w.WriteStartObject("author");
                w.WriteString("handle", a.Handle);
                w.WriteNumber("followers", a.Followers ?? 0);
                w.WriteBoolean("verified", a.Verified ?? false);
                w.WriteEndObject();
            }

            w.WriteString("text", p.Text);
            w.WriteString("createdAt", p.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            if (p.Url is not null)
            {
                w.WriteString("url", p.Url);
            }

            w.WriteString("language", p.Language ?? "en");
            if (p.Metrics is { } m)
            {
                w.WriteStartObject("metrics");
                w.WriteNumber("likes", m.Likes ?? 0);
                w.WriteNumber("shares", m.Shares ?? 0);
                w.WriteNumber("replies", m.Replies ?? 0);
                w.WriteNumber("impressions", m.Impressions ?? 0);
                w.WriteEndObject();
            }

            if (labels is not null)
            {
                w.WriteNumber("label", labels[i]);
            }

            w.WriteEndObject();
        }

        file.WriteByte((byte)'\n');
        i++;
    }
}

static string FindProducts()
{
    var local = Path.Combine(AppContext.BaseDirectory, "products.sample.yaml");
    if (File.Exists(local))
    {
        return local;
    }

    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "Bot", "Features", "HotTopics", "products.sample.yaml");
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    throw new FileNotFoundException("products.sample.yaml not found");
}
