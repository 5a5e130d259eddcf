using System.Xml.Linq;
using CrisisBot.Protocol.Routing;

namespace CrisisBot.Tests.Architecture;

public class DependencyDirectionTests
{
    private static readonly Type[] BotTypes = typeof(ActivityRouter).Assembly.GetTypes();

    [Fact]
    public void ProtocolTypes_ReferenceNoFeaturesNamespace()
    {
        var protocolTypes = BotTypes.Where(t => t.Namespace?.StartsWith("CrisisBot.Protocol", StringComparison.Ordinal) == true).ToList();

        var violations = protocolTypes
            .SelectMany(t => DependencyScanner.ReferencesTo(t, "CrisisBot.Features").Select(r => $"{t.FullName} -> {r}"))
            .ToList();

        Assert.True(protocolTypes.Count > 20, $"Only {protocolTypes.Count} protocol types found: is the namespace filter right?");
        Assert.Empty(violations);
    }

    [Fact]
    public void DependencyScanner_CompositionRoot_SeesItsFeaturesReference()
    {
        // Guards the test above against a scanner that finds nothing: Program (top-level statements) calls AddChannelsFeature.
        var program = BotTypes.Where(t => t.FullName?.StartsWith("Program", StringComparison.Ordinal) == true);

        var references = program.SelectMany(t => DependencyScanner.ReferencesTo(t, "CrisisBot.Features")).ToList();

        Assert.Contains("CrisisBot.Features.Channels.ChannelsFeature", references);
    }

    [Fact]
    public void ProtocolSources_DoNotMentionFeaturesNamespace()
    {
        var protocolDir = Path.Combine(RepositoryRoot(), "Bot", "Protocol");

        var offenders = Directory.EnumerateFiles(protocolDir, "*.cs", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("CrisisBot.Features", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(protocolDir, f))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void CardsProject_HasNoProjectReference()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot(), "Cards", "Cards.csproj"));

        Assert.DoesNotContain(project.Descendants(), e => e.Name.LocalName == "ProjectReference");
    }

    [Fact]
    public void CardsAssembly_DoesNotReferenceTheBot()
    {
        var references = typeof(CrisisBot.Cards.Actions.CardVerbs).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain("Bot", references);
        Assert.DoesNotContain(references, r => r!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrisisBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"CrisisBot.sln not found above {AppContext.BaseDirectory}.");
    }
}
