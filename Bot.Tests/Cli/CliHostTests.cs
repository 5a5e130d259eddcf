using CrisisBot.Infrastructure.Cli;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisBot.Tests.Cli;

public class CliHostTests
{
    private static readonly string[] PackArgs = ["manifest", "pack", "--out", "x.zip"];

    [Fact]
    public void BuildConfiguration_AppSettingsEnvironmentFileAndSet_LayerInServerOrder()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("appsettings.json"), """{ "A": "base", "B": "base", "C": "base", "Bot": { "LocalMode": false } }""");
        File.WriteAllText(dir.Combine("appsettings.Staging.json"), """{ "B": "staging", "C": "staging" }""");
        var host = new CliHost(dir.Path, TimeProvider.System, _ => null);
        var parse = CliApp.CreateRootCommand(host).Parse([.. PackArgs, "--environment", "Staging", "--set", "C=cli", "--set", "Bot:LocalMode=true"]);

        var config = host.BuildConfiguration(parse);

        Assert.Empty(parse.Errors);
        Assert.Equal("base", config["A"]);
        Assert.Equal("staging", config["B"]);
        Assert.Equal("cli", config["C"]);
        Assert.Equal("true", config["Bot:LocalMode"]);
    }

    [Fact]
    public void BuildConfiguration_EnvironmentVariable_PicksEnvironmentFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("appsettings.json"), """{ "A": "base" }""");
        File.WriteAllText(dir.Combine("appsettings.Demo.json"), """{ "A": "demo" }""");
        var host = new CliHost(dir.Path, TimeProvider.System, name => name == "DOTNET_ENVIRONMENT" ? "Demo" : null);
        var parse = CliApp.CreateRootCommand(host).Parse(PackArgs);

        Assert.Equal("Demo", host.GetEnvironmentName(parse));
        Assert.Equal("demo", host.BuildConfiguration(parse)["A"]);
    }

    [Fact]
    public void GetEnvironmentName_NothingSet_IsProduction()
    {
        var host = new CliHost(AppContext.BaseDirectory, TimeProvider.System, _ => null);

        Assert.Equal("Production", host.GetEnvironmentName(CliApp.CreateRootCommand(host).Parse(PackArgs)));
    }

    [Fact]
    public void BuildConfiguration_ProcessEnvironmentVariable_OverridesFileAndLosesToSet()
    {
        var key = "CrisisBotCliTest" + Guid.NewGuid().ToString("N");
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("appsettings.json"), $$"""{ "{{key}}": "file", "{{key}}x": "file" }""");
        Environment.SetEnvironmentVariable(key, "env");
        Environment.SetEnvironmentVariable(key + "x", "env");
        try
        {
            var host = new CliHost(dir.Path, TimeProvider.System, _ => null);
            var parse = CliApp.CreateRootCommand(host).Parse([.. PackArgs, "--set", $"{key}x=cli"]);

            var config = host.BuildConfiguration(parse);

            Assert.Equal("env", config[key]);
            Assert.Equal("cli", config[key + "x"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(key, null);
            Environment.SetEnvironmentVariable(key + "x", null);
        }
    }

    [Theory]
    [InlineData("NoEqualsSign")]
    [InlineData("=value")]
    public async Task RunAsync_MalformedSet_ReturnsUsageError(string token)
    {
        var run = await CliRunner.RunAsync("manifest", "pack", "--out", "x.zip", "--set", token);

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("--set expects key=value", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildServices_RegistersConfigurationClockAndCommandServices()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var host = new CliHost(AppContext.BaseDirectory, clock, _ => null);
        var parse = CliApp.CreateRootCommand(host).Parse([.. PackArgs, "--set", "Marker=42"]);

        using var services = host.BuildServices(parse, (s, config) => s.AddSingleton(new Marker(config["Marker"]!)));

        Assert.Equal("42", services.GetRequiredService<IConfiguration>()["Marker"]);
        Assert.Same(clock, services.GetRequiredService<TimeProvider>());
        Assert.Equal("42", services.GetRequiredService<Marker>().Value);
    }

    private sealed record Marker(string Value);
}
