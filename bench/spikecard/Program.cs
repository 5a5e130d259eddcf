using System.Diagnostics;
using System.Globalization;
using CrisisBot.Bench.SpikeCard;
using CrisisBot.Features.Channels;
using CrisisBot.Features.HotTopics;
using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Connector;
using CrisisBot.Tests.Infrastructure.FakeConnector;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Spike-to-card latency (issue 5 §8). Prints one markdown block.
//   dotnet run --project bench/spikecard -c Release [-- --runs 3 --spikes 40]   (--smoke: 1 run, warm-up on only, 3 spikes)
// The parent runs fresh child processes, alternating the card-path warm-up off and on (TopicCards:WarmUp), because the
// first card of a process pays the JIT and query compilation of the whole card path: that first ("cold") card is
// reported on its own, never folded into or dropped from the steady figures.
//   child: dotnet SpikeCard.dll --child --spikes N --warmup on|off   → one JSON line
if (!args.Contains("--child"))
{
    return await Parent.RunAsync(args);
}

// Child: each spike is a new topic whose posts arrive one ingest call at a time (a live feed); the clock starts just
// before the ingest call of the post that fires the topic's alarm and stops when the fake Connector has the card POST.
var inv = CultureInfo.InvariantCulture;
var clock = TimeProvider.System;
var spikes = args.SkipWhile(a => a != "--spikes").Skip(1).Select(int.Parse).FirstOrDefault(60);
var warmUp = args.SkipWhile(a => a != "--warmup").Skip(1).FirstOrDefault("on") == "on";
const string Tenant = "11111111-2222-3333-4444-555555555555";

await using var fake = await FakeConnectorServer.StartAsync(new FakeConnectorOptions());
var directory = Path.Combine(Path.GetTempPath(), "crisisbot-bench", Guid.NewGuid().ToString("N"));
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Storage:Provider"] = "Sqlite",
    ["Storage:DataDirectory"] = directory,
    ["Bot:LocalMode"] = "true",
    ["Products:Path"] = FindProducts(),
    ["TopicCards:WarmUp"] = warmUp ? "true" : "false",
}).Build();
var services = new ServiceCollection()
    .AddLogging(b => b.SetMinimumLevel(args.Contains("--log") ? LogLevel.Debug : LogLevel.Warning)
        .AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ")
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
    .AddSingleton<IConfiguration>(configuration)
    .AddSingleton(TimeProvider.System)
    .AddBotConnector(configuration)
    .AddStorage(configuration)
    .AddOutbox(configuration)
    .AddChannelsFeature(configuration)
    .AddHotTopicsCore(configuration)
    .AddTopicCardsFeature(configuration)
    .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
await services.MigrateStorageAsync();
var catalog = services.GetRequiredService<ProductCatalog>();
var store = services.GetRequiredService<ChannelStore>();
foreach (var p in catalog.Products)
{
    await store.LinkAsync(new ChannelBindingKey(ChannelRole.Product, p.Key),
        new ChannelTarget($"19:bench-{p.Key}@thread.tacv2", p.DisplayName, "19:bench@thread.tacv2", "Bench", fake.ServiceUrl, Tenant),
        new ChannelActor("bench", "bench"));
}

await store.LinkAsync(new ChannelBindingKey(ChannelRole.Agents, ""),
    new ChannelTarget("19:bench-agents@thread.tacv2", "Agents", "19:bench@thread.tacv2", "Bench", fake.ServiceUrl, Tenant),
    new ChannelActor("bench", "bench"));

// Channels are bound before the workers start, as in a running bot.
var hosted = services.GetServices<IHostedService>().ToList();
foreach (var h in hosted)
{
    await h.StartAsync(CancellationToken.None);
}

var pipeline = services.GetRequiredService<HotTopicPipeline>();
await pipeline.StartAsync();

// The bot warms the card path in the background after start; a real first spike comes later than that, so wait for it
// (its cost is reported). Without the warm-up the first card compiles the path itself.
var warmup = await services.GetRequiredService<TopicCardWarmup>().Completion.WaitAsync(TimeSpan.FromSeconds(120));
var contexts = services.GetRequiredService<IDbContextFactory<CrisisDbContext>>();
var jitBefore = new List<(long Methods, TimeSpan Time)>();
var latencies = new List<double>();
var missed = 0;
(long Methods, double Ms) firstJit = (0, 0);
double? cold = null;
var start = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
var total = Stopwatch.StartNew();
for (var s = 0; s < spikes; s++)
{
    var product = catalog.Products[s % catalog.Products.Count];
    var keyword = product.Keywords[0];
    var (a, b, c) = (Word(s, 'a'), Word(s, 'b'), Word(s, 'c'));
    var at = start.AddHours(3 * s);
    var cardsBefore = await CountCardsAsync();
    var messagesBefore = fake.Messages.Count;
    DateTimeOffset? crossedAt = null;
    for (var i = 0; i < 14 && crossedAt is null; i++)
    {
        var text = (i % 3) switch
        {
            0 => $"{a} {b} {keyword} {c}",
            1 => $"{keyword} {c} {a} {b}",
            _ => $"{b} {a} {c} {keyword}",
        };
        var post = new SocialPost($"s{s}-{i}", "bench", text, at.AddSeconds(50 * i), new PostAuthor($"@u{i}", null, 100, false));
        var jit = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
        var before = clock.GetUtcNow();
        if (args.Contains("--log"))
        {
            Console.Error.WriteLine(string.Create(inv, $"{before:HH:mm:ss.fff} bench: spike {s} post {i} ingest call"));
        }

        await pipeline.IngestAsync([post]);
        if (await CountCardsAsync() > cardsBefore)
        {
            crossedAt = before;
            jitBefore.Add(jit);
        }
    }

    if (crossedAt is null)
    {
        missed++;
        Console.Error.WriteLine($"spike {s}: no card started (topic did not alarm)");
        continue;
    }

    var deadline = clock.GetUtcNow().AddSeconds(10);
    FakeMessage? card = null;
    while (card is null && clock.GetUtcNow() < deadline)
    {
        card = fake.Messages.Skip(messagesBefore).FirstOrDefault(m => m.Operation == FakeOperations.CreateConversation);
        if (card is null)
        {
            await Task.Delay(2);
        }
    }

    if (card is null)
    {
        missed++;
        Console.Error.WriteLine($"spike {s}: the card POST did not reach the fake within 10 s");
        continue;
    }

    var latency = (card.CreatedAt - crossedAt.Value).TotalMilliseconds;
    if (s == 0)
    {
        cold = latency;
        firstJit = (System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore[^1].Methods, (System.Runtime.JitInfo.GetCompilationTime() - jitBefore[^1].Time).TotalMilliseconds);
    }
    else
    {
        latencies.Add(latency);
    }

    if (latency > 1000)
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"spike {s}: {latency:F0} ms (slow{(s == 0 ? "; the first card of the process" : "")})"));
    }
}

total.Stop();
foreach (var h in hosted)
{
    await h.StopAsync(CancellationToken.None);
}

await services.DisposeAsync();
SqliteConnection.ClearAllPools();
try
{
    Directory.Delete(directory, recursive: true);
}
catch (IOException)
{
    // temp folder
}

// One JSON line for the parent: the first card (cold) apart from the rest (steady), in arrival order.
Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new ChildResult(
    warmUp, warmup?.Elapsed.TotalMilliseconds, warmup?.Cpu.TotalMilliseconds, warmup?.JitMethods,
    cold, firstJit.Methods, firstJit.Ms, [.. latencies], missed, total.Elapsed.TotalSeconds)));
return 0;

async Task<int> CountCardsAsync()
{
    await using var db = await contexts.CreateDbContextAsync();
    return await db.Set<TopicCard>().SumAsync(c => c.Spike);
}

// Letters only (the normaliser drops digits): a distinct made-up word per spike and slot, so every spike is a new topic
// (sharing only the product keyword with earlier ones).
static string Word(int n, char slot)
{
    var random = new Random((n * 131) + slot);
    return new string([.. Enumerable.Range(0, 7).Select(_ => (char)('a' + random.Next(26)))]);
}

static string FindProducts()
{
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
