using CrisisBot.Features.Channels;
using CrisisBot.Features.Experts;
using CrisisBot.Features.Faq;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.Crisis.Export;
using CrisisBot.Features.DutyOfCare;
using CrisisBot.Features.HotTopics;
using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Features.Operations;
using CrisisBot.Features.Summaries;
using CrisisBot.Infrastructure.Cli;
using CrisisBot.Infrastructure.Inbound;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.RateLimiting;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Startup;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Hosting;

// One executable: with a command it is the CLI (manifest pack, cards export, …); without one it is the server.
if (CliApp.IsCliInvocation(args))
{
    return await CliApp.RunAsync(args);
}

// appsettings.json ships beside Bot.dll: use that folder as the content root, so `dotnet Bot.dll` works from any
// working directory. Relative data paths (Storage:DataDirectory) still resolve against the working directory.
var startup = StartupTrace.Begin(TimeProvider.System);
// The slim builder plus what the bot uses of the full one (no IIS, no QUIC: README "Performance notes").
var builder = BotHostBuilder.Create(args, AppContext.BaseDirectory);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(startup);
builder.AddBotProtocol();
builder.Services.AddBotConnector(builder.Configuration);
builder.Services.AddStorage(builder.Configuration);
builder.Services.AddInbound();
builder.Services.AddOutbox(builder.Configuration);
builder.Services.AddScheduling();
builder.Services.AddChannelsFeature(builder.Configuration);
builder.Services.AddOperationsFeature();
builder.Services.AddExpertsFeature(builder.Configuration);
builder.Services.AddCrisisFeature(builder.Configuration);
builder.Services.AddDutyOfCareFeature(builder.Configuration);
builder.Services.AddHotTopicsFeature(builder.Configuration);
builder.Services.AddTopicCardsFeature(builder.Configuration);
builder.Services.AddFaqFeature(builder.Configuration);
builder.Services.AddSummariesFeature(builder.Configuration);
builder.Services.AddPublicRateLimit(builder.Configuration);
builder.Services.AddIdleMemoryTrim(builder.Configuration);

startup.Mark("services registered");
var app = builder.Build();
startup.Mark("host built");
await app.Services.MigrateStorageAsync();
startup.Mark("storage migrated");
app.UseBackgroundStartAfterFirstRequest();
app.UseIdleMemoryTrim();
app.UseRateLimiter();
app.MapHealth();
app.MapBotMessages();
app.MapHotTopics();
app.MapFaq();
app.MapCrisisExport();
app.MapSummaries();
startup.Mark("endpoints mapped");
app.Lifetime.ApplicationStarted.Register(() => startup.Mark("hosted services and Kestrel started"));
await app.RunAsync();
return 0;

public partial class Program;
