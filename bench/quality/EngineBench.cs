using System.Diagnostics;
using System.Globalization;
using CrisisBot.Features.HotTopics;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Text;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Bench.Quality;

/// <summary>
/// `engine &lt;file.jsonl&gt; [--rounds N]`: the engine's order-dependent part alone, as the import runs it. The posts are
/// parsed and their text work (normalise, featurise, routing rules, abuse flag) is done before the clock starts, in
/// chunks of 128 like the import's reader thread; the clock then covers only <c>HotTopicEngine.Process</c> with those
/// prepared features and settled topics released every 4,000 posts like the pipeline after each batch (IDF weighting, routing similarity, clustering, merges, spikes, sweeps) on one thread, a fresh
/// engine per round. Prints µs per post per round, allocations per post and topic/alarm counts (the counts must not
/// change between builds: a quick exactness check). <c>--views</c> adds, after each batch, what the import's views step asks
/// of the engine: the snapshot (title, state, rates) of every topic the batch changed (the topics posts joined, both sides of
/// each merge, the topics of new alarms), in id order; a checksum of those titles is printed (must not change between builds).
/// </summary>
internal static class EngineBench
{
    public static int Run(string path, int rounds, ProductCatalog catalog, bool views = false)
    {
        var inv = CultureInfo.InvariantCulture;
        var posts = new List<SocialPost>();
        using (var stream = File.OpenRead(path))
        {
            foreach (var item in new JsonPostReader(TimeProvider.System).Read(stream))
            {
                if (item.Post is { } post)
                {
                    posts.Add(post);
                }
            }
        }

        var router = new ProductRouter(catalog);
        var tokens = new TokenizedText();
        var vector = new FeatureVector();
        const int ChunkSize = 128;
        const int BatchSize = 4000; // Intake:BatchSize
        var chunks = new List<FeatureChunk>();
        for (var i = 0; i < posts.Count; i++)
        {
            if (i % ChunkSize == 0)
            {
                chunks.Add(new FeatureChunk());
            }

            chunks[^1].Add(posts[i].Text, tokens, vector, router);
        }

        Console.WriteLine(string.Create(inv, $"engine bench: {posts.Count:N0} posts from {path}, text work prepared off the clock; {rounds} rounds, fresh engine each{(views ? "; with the views' snapshots per batch" : "")}"));
        var changed = new SortedSet<int>();
        var times = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            GC.Collect();
            var engine = new HotTopicEngine(new ProductRouter(catalog));
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var gen0 = GC.CollectionCount(0);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var titles = 0L;
            var alarmsSeen = 0;
            var mergesSeen = 0;
            for (var i = 0; i < posts.Count; i++)
            {
                var outcome = engine.Process(posts[i], chunks[i / ChunkSize], i % ChunkSize);
                if (views && outcome.TopicId is { } joined)
                {
                    changed.Add(engine.Canonical(joined).Value);
                }

                if ((i + 1) % BatchSize == 0 || i == posts.Count - 1)
                {
                    if (views)
                    {
                        for (; alarmsSeen < engine.Alarms.Count; alarmsSeen++)
                        {
                            if (engine.Alarms[alarmsSeen].TopicId is { } alarmed)
                            {
                                changed.Add(alarmed.Value);
                            }
                        }

                        for (; mergesSeen < engine.Merges.Count; mergesSeen++)
                        {
                            changed.Add(engine.Merges[mergesSeen].From.Value);
                            changed.Add(engine.Merges[mergesSeen].Into.Value);
                        }

                        foreach (var id in changed)
                        {
                            if (engine.GetTopic(new TopicId(id)) is { } snapshot)
                            {
                                foreach (var ch in snapshot.Title)
                                {
                                    titles = unchecked((titles ^ ch) * 1099511628211L); // FNV-1a: the same in every process
                                }
                            }
                        }

                        changed.Clear();
                    }

                    engine.ReleaseSettled(); // as the pipeline does after each committed batch
                }
            }

            watch.Stop();
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var perPost = watch.Elapsed.TotalMicroseconds / posts.Count;
            times.Add(perPost);
            var alarms = engine.Alarms.Count;
            Console.WriteLine(string.Create(inv, $"  round {r + 1}: {perPost:F2} µs/post wall ({posts.Count / watch.Elapsed.TotalSeconds:N0} posts/s), process CPU {cpuUsed.TotalMicroseconds / posts.Count:F2} µs/post, "
                + $"allocated {(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)posts.Count:N0} B/post, gen0 GCs {GC.CollectionCount(0) - gen0}; "
                + $"{(views ? $"titles checksum {titles:X}; " : "")}topics {engine.Topics().Count:N0} resident, merges {engine.Merges.Count:N0}, alarms {alarms:N0}, {engine.DescribeMemory()}"));
        }

        times.Sort();
        Console.WriteLine(string.Create(inv, $"engine µs per post: min {times[0]:F2}, median {times[times.Count / 2]:F2}"));
        return 0;
    }
}
