using System.Diagnostics;
using System.Globalization;
using CrisisBot.Features.HotTopics;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Routing;

namespace CrisisBot.Bench.Intake;

/// <summary>
/// <c>mem &lt;file&gt; [every]</c>: runs the storage-free engine over a post file and, every <c>every</c> posts, forces a
/// full GC and prints the live managed heap next to what the engine holds (topics, centroid entries, index). This is
/// how the growing state was found (no dotnet-gcdump here): heap per post should stay flat once windows are full.
/// </summary>
internal static class MemoryProbe
{
    public static async Task<int> RunAsync(string file, int every)
    {
        var inv = CultureInfo.InvariantCulture;
        var catalog = ProductCatalog.Load(Path.Combine(AppContext.BaseDirectory, "products.sample.yaml"));
        var engine = new HotTopicEngine(new ProductRouter(catalog));
        var watch = Stopwatch.StartNew();
        long n = 0;
        await using var stream = File.OpenRead(file);
        foreach (var item in new JsonPostReader(TimeProvider.System).Read(stream))
        {
            if (item.Post is null)
            {
                continue;
            }

            engine.Process(item.Post);
            if (++n % 4000 == 0)
            {
                engine.ReleaseSettled(); // as the pipeline does after each committed batch of 4,000
            }

            if (n % every == 0)
            {
                Report();
            }
        }

        Report();
        return 0;

        void Report()
        {
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            Console.WriteLine(string.Create(inv, $"{n,9:N0} posts {watch.Elapsed.TotalSeconds,6:F1} s heap {heap / 1e6,6:F1} MB ws {process.WorkingSet64 / 1e6,6:F0} MB | {engine.DescribeMemory()}"));
        }
    }
}
