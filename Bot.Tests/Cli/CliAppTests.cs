using CrisisBot.Infrastructure.Cli;

namespace CrisisBot.Tests.Cli;

public class CliAppTests
{
    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "manifest", "pack" }, true)]
    [InlineData(new[] { "manifset" }, true)]
    [InlineData(new[] { "--help" }, true)]
    [InlineData(new[] { "-h" }, true)]
    [InlineData(new[] { "--version" }, true)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:3978" }, false)]
    [InlineData(new[] { "--Bot:LocalMode=true" }, false)]
    [InlineData(new[] { "urls=http://127.0.0.1:3978" }, false)]
    [InlineData(new[] { "/urls", "http://127.0.0.1:3978" }, false)]
    public void IsCliInvocation_Arguments_TellsCliFromServer(string[] args, bool expected) =>
        Assert.Equal(expected, CliApp.IsCliInvocation(args));

    [Fact]
    public async Task RunAsync_Help_ExitsZeroAndListsCommands()
    {
        var run = await CliRunner.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Commands:", run.Output, StringComparison.Ordinal);
        Assert.Contains("manifest", run.Output, StringComparison.Ordinal);
        Assert.Contains("--set", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ManifestHelp_ListsPackCommand()
    {
        var run = await CliRunner.RunAsync("manifest", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("pack", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ManifestPackHelp_ListsItsOptions()
    {
        var run = await CliRunner.RunAsync("manifest", "pack", "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--bot-id", "--out", "--version", "--source", "--set" })
        {
            Assert.Contains(option, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunAsync_UnknownCommand_ReturnsUsageErrorNamingIt()
    {
        var run = await CliRunner.RunAsync("manifset", "pack");

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("manifset", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ManifestWithoutSubcommand_ReturnsUsageError()
    {
        var run = await CliRunner.RunAsync("manifest");

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("Required command was not provided", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingRequiredOut_ReturnsUsageError()
    {
        var run = await CliRunner.RunAsync("manifest", "pack", "--bot-id", "3f2504e0-4f89-11d3-9a0c-0305e82c3301");

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("--out", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateRootCommand_EveryCommand_HasADescription()
    {
        var root = CliApp.CreateRootCommand(new CliHost(AppContext.BaseDirectory, TimeProvider.System));

        Assert.NotEmpty(root.Subcommands);
        foreach (var command in root.Subcommands.SelectMany(c => c.Subcommands.Prepend(c)))
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Description), $"command '{command.Name}' has no description");
        }
    }
}
