using System.Net;
using System.Text;
using CrisisBot.Features.HotTopics.Api;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Infrastructure.Cli;
using CrisisBot.Tests.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrisisBot.Tests.Features.HotTopics.Cli;

/// <summary><c>replay --url</c> against a loopback Kestrel stand-in for the bot: signed batches, retry after a 503.</summary>
/// <remarks>IAsyncLifetime and IDisposable, not IAsyncDisposable: xunit v2 never calls a test class's
/// IAsyncDisposable.DisposeAsync (the fake server stayed up and each test's temp folder stayed behind). xunit calls
/// IAsyncLifetime.DisposeAsync (the server), then Dispose (the folder).</remarks>
public sealed class ReplayHttpTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "replay-secret-0123456789";
    private readonly TempDirectory _temp = new();
    private readonly List<(string Timestamp, string Signature, byte[] Body)> _received = [];
    private WebApplication? _app;
    private int _failFirst;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public void Dispose() => _temp.Dispose();

    private async Task<string> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/api/posts", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            if (Interlocked.Decrement(ref _failFirst) >= 0)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            var body = buffer.ToArray();
            lock (_received)
            {
                _received.Add((request.Headers[PostsSignature.TimestampHeader].ToString(), request.Headers[PostsSignature.SignatureHeader].ToString(), body));
            }

            var count = Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            return Results.Json(new { accepted = count, duplicates = 0, rejected = Array.Empty<object>() }, statusCode: StatusCodes.Status202Accepted);
        });
        await _app.StartAsync();
        return _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    [Fact]
    public async Task Replay_Url_SendsSignedNdjsonThatVerifies()
    {
        var url = await StartAsync();
        var file = Path.Combine(_temp.Path, "p.jsonl");
        await File.WriteAllTextAsync(file,
            """
            {"id":"2","source":"twitter","text":"second","createdAt":"2026-03-24T09:16:00Z"}
            {"id":"1","source":"twitter","text":"first","createdAt":"2026-03-24T09:15:00Z","author":{"handle":"@a","followers":5}}
            """);

        var run = await CliRunner.RunAsync(
            new CliHost(AppContext.BaseDirectory, TimeProvider.System),
            "replay", file, "--speed", "max", "--url", url, "--set", $"Intake:Secrets:0={Secret}", "--set", "Logging:LogLevel:Default=Warning");

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Contains("2 accepted", run.Output, StringComparison.Ordinal);
        var (timestamp, signature, body) = Assert.Single(_received);
        Assert.Null(PostsSignature.Verify(timestamp, signature, body, [Secret], TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(5)));
        using var stream = new MemoryStream(body);
        var posts = new JsonPostReader(TimeProvider.System).Read(stream).Select(r => r.Post!).ToList();
        Assert.Equal(["1", "2"], posts.Select(p => p.Id));
        Assert.Equal(5, posts[0].Author!.Followers);
    }

    [Fact]
    public async Task Replay_Url503ThenOk_RetriedAndCountedOnce()
    {
        _failFirst = 1;
        var url = await StartAsync();
        var file = Path.Combine(_temp.Path, "p.jsonl");
        await File.WriteAllTextAsync(file, """{"id":"1","source":"twitter","text":"first","createdAt":"2026-03-24T09:15:00Z"}""");

        var run = await CliRunner.RunAsync(
            new CliHost(AppContext.BaseDirectory, TimeProvider.System),
            "replay", file, "--speed", "max", "--url", url, "--set", $"Intake:Secrets:0={Secret}", "--set", "Logging:LogLevel:Default=Warning");

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Contains("retrying", run.Error, StringComparison.Ordinal);
        Assert.Contains("1 accepted", run.Output, StringComparison.Ordinal);
        Assert.Single(_received);
    }

    [Fact]
    public async Task Replay_UrlNobodyListening_Exit1AfterRetries()
    {
        var file = Path.Combine(_temp.Path, "p.jsonl");
        await File.WriteAllTextAsync(file, """{"id":"1","source":"twitter","text":"first","createdAt":"2026-03-24T09:15:00Z"}""");

        var run = await CliRunner.RunAsync(
            new CliHost(AppContext.BaseDirectory, TimeProvider.System),
            "replay", file, "--speed", "max", "--url", "http://127.0.0.1:9", "--set", $"Intake:Secrets:0={Secret}", "--set", "Logging:LogLevel:Default=Warning");

        Assert.Equal(CliExitCodes.Failure, run.ExitCode);
        Assert.Contains("gave up after 4 attempts", run.Error, StringComparison.Ordinal);
    }
}
