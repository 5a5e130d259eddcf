using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CrisisBot.Protocol.Hosting;

/// <summary>
/// Once the server has started, checks the addresses it really listens on: local mode with a non-loopback address stops
/// startup with an error. The configured addresses were already checked by <see cref="BotOptionsValidator"/>. An
/// in-memory test server has no addresses and counts as loopback. Logs the loud local-mode warning.
/// </summary>
internal sealed class LocalModeGuard(IOptions<BotOptions> options, IServer server, ILogger<LocalModeGuard> logger)
    : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.LocalMode)
        {
            return Task.CompletedTask;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var remote = addresses.Where(a => !ListeningAddresses.IsLoopback(a)).ToList();
        if (remote.Count > 0)
        {
            throw new InvalidOperationException(
                "Bot:LocalMode=true accepts unauthenticated requests and is only allowed when every listening address is loopback, " +
                $"but the server listens on {string.Join(", ", remote)}. Bind to 127.0.0.1 (e.g. --urls http://127.0.0.1:3978) or turn local mode off.");
        }

        ProtocolLog.LocalModeEnabled(logger, addresses.Count == 0 ? "in-memory server" : string.Join(", ", addresses));
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
