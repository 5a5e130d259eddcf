using System.Text.Json.Nodes;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static CrisisBot.Tests.Manifest.ManifestTestSupport;

namespace CrisisBot.Tests.Manifest;

/// <summary>Checks on manifest/ itself: what the bot advertises must match what it does.</summary>
public class ManifestSourceTests
{
    /// <summary>Commands the bot answers but deliberately keeps out of the Teams command menu (admin tooling).</summary>
    private static readonly HashSet<string> UnadvertisedCommands = new(StringComparer.Ordinal) { "outbox", "export", "supersede" };

    /// <summary>The commands the running bot really registers, read from its router.</summary>
    private static string[] BotCommands()
    {
        using var factory = CrisisBotFactory.LocalMode();
        var router = factory.Services.GetRequiredService<ActivityRouter>();
        return router.RouteKeys
            .Where(k => k.StartsWith("command:", StringComparison.Ordinal))
            .Select(k => k["command:".Length..])
            .Where(c => !UnadvertisedCommands.Contains(c))
            .ToArray();
    }

    private static JsonObject Manifest => JsonNode.Parse(File.ReadAllText(Path.Combine(SourceManifestDirectory, "manifest.json")))!.AsObject();

    private static JsonArray CommandLists => Manifest["bots"]![0]!["commandLists"]!.AsArray();

    [Fact]
    public void CommandLists_Titles_EqualTheBotCommands()
    {
        var titles = CommandLists.SelectMany(l => l!["commands"]!.AsArray()).Select(c => (string)c!["title"]!).ToHashSet(StringComparer.Ordinal);

        var commands = BotCommands();
        Assert.NotEmpty(commands);
        Assert.Equal(commands.Order(StringComparer.Ordinal), titles.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CommandLists_EveryBotScope_OffersHelpAndStatus()
    {
        var botScopes = Manifest["bots"]![0]!["scopes"]!.AsArray().Select(s => (string)s!).ToList();
        foreach (var scope in botScopes)
        {
            var commands = CommandLists
                .Where(l => l!["scopes"]!.AsArray().Any(s => (string?)s == scope))
                .SelectMany(l => l!["commands"]!.AsArray()).Select(c => (string)c!["title"]!).ToList();
            Assert.Contains("help", commands);
            Assert.Contains("status", commands);
        }
    }

    [Fact]
    public void CommandLists_LinkAndUnlink_AreOfferedInTeamsWhereChannelsLive()
    {
        var team = CommandLists.Single(l => l!["scopes"]!.AsArray().Any(s => (string?)s == "team"))!;
        var titles = team["commands"]!.AsArray().Select(c => (string)c!["title"]!).ToList();

        Assert.Contains("link", titles);
        Assert.Contains("unlink", titles);
    }

    [Fact]
    public void CommandLists_Limits_AreWithinTheSchema()
    {
        Assert.InRange(CommandLists.Count, 1, 3);
        foreach (var list in CommandLists)
        {
            var commands = list!["commands"]!.AsArray();
            Assert.InRange(commands.Count, 1, 12);
            Assert.All(commands, c => Assert.InRange(((string)c!["title"]!).Length, 1, 128));
            Assert.All(commands, c => Assert.False(string.IsNullOrWhiteSpace((string?)c!["description"])));
        }
    }

    [Fact]
    public void Bot_Scopes_AreTeamPersonalGroupChat()
    {
        var scopes = Manifest["bots"]![0]!["scopes"]!.AsArray().Select(s => (string)s!).Order(StringComparer.Ordinal);

        Assert.Equal(["groupChat", "personal", "team"], scopes);
    }

    [Fact]
    public void Ids_UseTheBotIdToken()
    {
        Assert.Equal("${{BOT_ID}}", (string?)Manifest["id"]);
        Assert.Equal("${{BOT_ID}}", (string?)Manifest["bots"]![0]!["botId"]);
    }

    [Fact]
    public void SchemaUrl_MatchesManifestVersion()
    {
        Assert.Equal(ExpectedManifestVersion, (string?)Manifest["manifestVersion"]);
        Assert.Equal(
            $"https://developer.microsoft.com/json-schemas/teams/v{ExpectedManifestVersion}/MicrosoftTeams.schema.json",
            (string?)Manifest["$schema"]);
    }

    [Theory]
    [InlineData("color.png", 192)]
    [InlineData("outline.png", 32)]
    public void Icons_HaveTeamsSizes(string file, int size)
    {
        Assert.Equal((size, size), ReadPngSize(File.ReadAllBytes(Path.Combine(SourceManifestDirectory, file))));
    }

    [Fact]
    public void BuildOutput_ShipsTheManifestSources()
    {
        foreach (var file in new[] { "manifest.json", "color.png", "outline.png" })
        {
            Assert.Equal(
                File.ReadAllBytes(Path.Combine(SourceManifestDirectory, file)),
                File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "manifest", file)));
        }
    }
}
