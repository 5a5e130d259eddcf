// Post-intake benchmark (issue 5 §8 "Speed"). Release build:
//   dotnet run --project bench/intake -c Release                       everything (markdown report on stdout)
//   dotnet run --project bench/intake -c Release -- --runs 5 --sizes 100000,300000,1000000 --http-posts 100000
//   dotnet run --project bench/intake -c Release -- --smoke                           a few seconds: 5k posts, 1 run, 2k over HTTP
//   dotnet run --project bench/intake -c Release -- gen 100000 posts.jsonl          just write a generated file
//   HTTP options: --http-posts N (per round and request size) --http-rounds R (1 = cold only) --http-batch 100,1000
//                 --http-connections 16 --http-url http://127.0.0.1:PORT (a bot already running, secret of HttpBench)
//                 --http-seed N (generator seed; another seed = other post ids, for a second run against the same bot)
// Parts: (1) import end to end (the real `dotnet Bot.dll import` as a child process, so it runs with the bot's own
// runtime settings: parse, dedupe, route, cluster, detect, persist) vs a raw batched SQLite insert of the same rows in
// this process, alternating, N runs, at 100k posts by default (steady state, not JIT warm-up); (2) one child process
// per size (100k/300k/1M) for time, CPU and peak memory; (3) HTTP intake: the bot as a child process on 127.0.0.1, a
// loopback load generator with 16 connections sending signed NDJSON batches.
using System.Globalization;
using CrisisBot.Bench.Intake;

var inv = CultureInfo.InvariantCulture;
string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

if (args.Length >= 3 && args[0] == "gen")
{
    var n = int.Parse(args[1], inv);
    await PostFiles.WriteAsync(args[2], n);
    Console.WriteLine($"wrote {n:N0} posts to {args[2]}");
    return 0;
}

if (args.Length >= 2 && args[0] == "mem")
{
    return await MemoryProbe.RunAsync(args[1], args.Length >= 3 ? int.Parse(args[2], inv) : 100_000);
}

if (args.Length >= 3 && args[0] == "import-one")
{
    // Child process: one import into a fresh folder, prints "seconds;peakWorkingSetBytes;accepted;gcHeapBytes".
    return await ImportBench.ImportOneAsync(args[1], args[2]);
}

var smoke = args.Contains("--smoke");
var runs = int.Parse(Arg("--runs") ?? (smoke ? "1" : "5"), inv);
var sizes = (Arg("--sizes") ?? (smoke ? "5000" : "100000,300000,1000000")).Split(',').Select(s => int.Parse(s, inv)).ToArray();
var httpPosts = int.Parse(Arg("--http-posts") ?? (smoke ? "2000" : "100000"), inv);
var work = Path.Combine(Path.GetTempPath(), "crisisbot-bench-intake");
Directory.CreateDirectory(work);
Console.WriteLine("## Post intake");
Console.WriteLine();
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores (shared), .NET {Environment.Version}, SQLite file in {work} (WAL), load average before: {ImportBench.LoadAverage()}. Command: `dotnet run --project bench/intake -c Release -- {string.Join(' ', args)}`");
Console.WriteLine();
if (!args.Contains("--no-import"))
{
    Console.WriteLine(await ImportBench.CompareAsync(work, int.Parse(Arg("--compare-size") ?? sizes.Min().ToString(inv), inv), runs));
    if (!smoke)
    {
        Console.WriteLine(await ImportBench.ScalingAsync(work, sizes));
    }
}

if (!args.Contains("--no-http"))
{
    var httpSettings = new HttpBench.Settings(
        httpPosts,
        Connections: int.Parse(Arg("--http-connections") ?? "16", inv),
        Rounds: int.Parse(Arg("--http-rounds") ?? (smoke ? "1" : "2"), inv),
        BatchSizes: (Arg("--http-batch") ?? (smoke ? "100" : "100,1000")).Split(',').Select(s => int.Parse(s, inv)).ToArray(),
        ExternalUrl: Arg("--http-url"),
        Seed: int.Parse(Arg("--http-seed") ?? "11", inv));
    Console.WriteLine(await HttpBench.RunAsync(work, httpSettings));
}

return 0;
