using System.Net;
using System.Text.Json;
using CrisisBot.Infrastructure.Startup;
using CrisisBot.Infrastructure.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrisisBot.Tests.Infrastructure.Storage;

/// <summary>GET /healthz on a minimal host with only the storage registrations (no auth, no bot).</summary>
public sealed class HealthEndpointTests : IDisposable
{
    private readonly StorageTestSettings _settings = new();

    public void Dispose() => _settings.Dispose();

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetHealthAsync(string dataDirectory, bool migrate, StartupTrace? startup = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddConfiguration(_settings.Configuration(("Storage:DataDirectory", dataDirectory)));
        builder.Services.AddStorage(builder.Configuration);
        if (startup is not null)
        {
            builder.Services.AddSingleton(startup);
        }

        await using var app = builder.Build();
        if (migrate)
        {
            await app.Services.MigrateStorageAsync();
        }

        app.MapHealth();
        await app.StartAsync();
        using var client = app.GetTestClient();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        await app.StopAsync();
        return (response.StatusCode, body);
    }

    [Fact]
    public async Task Healthz_DatabaseAnswers_200Healthy()
    {
        var (status, body) = await GetHealthAsync(_settings.DataDirectory, migrate: true);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"status":"healthy","storage":"sqlite"}""", body.GetRawText());
    }

    [Fact]
    public async Task Healthz_FirstHealthyAnswer_CompletesTheStartupTrace()
    {
        var startup = StartupTrace.Begin(TimeProvider.System);
        startup.Mark("storage migrated");

        var (status, _) = await GetHealthAsync(_settings.DataDirectory, migrate: true, startup);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(startup.IsReported);
        Assert.Equal(["storage migrated", "EF Core model built", "first healthy /healthz"], startup.Marks.Select(m => m.Phase)); // MigrateStorageAsync marks the EF Core model
    }

    [Fact]
    public async Task Healthz_Unhealthy_LeavesTheStartupTraceOpen()
    {
        var blocker = Path.Combine(Path.GetDirectoryName(_settings.DataDirectory)!, "file");
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        await File.WriteAllTextAsync(blocker, "not a directory");
        var startup = StartupTrace.Begin(TimeProvider.System);

        var (status, _) = await GetHealthAsync(Path.Combine(blocker, "data"), migrate: false, startup);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.False(startup.IsReported);
        Assert.Empty(startup.Marks);
    }

    [Fact]
    public async Task Healthz_DatabasePathUnreachable_503Unhealthy()
    {
        var blocker = Path.Combine(Path.GetDirectoryName(_settings.DataDirectory)!, "file");
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        await File.WriteAllTextAsync(blocker, "not a directory");

        var (status, body) = await GetHealthAsync(Path.Combine(blocker, "data"), migrate: false);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("sqlite", body.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task Healthz_DatabaseFileDeletedAfterStart_503()
    {
        await using var services = new ServiceCollection().AddLogging().AddStorage(_settings.Configuration()).BuildServiceProvider();
        await services.MigrateStorageAsync();
        var health = services.GetRequiredService<StorageHealth>();
        Assert.True(await health.IsReachableAsync());

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_settings.DataDirectory, recursive: true);

        Assert.False(await health.IsReachableAsync());
    }
}
