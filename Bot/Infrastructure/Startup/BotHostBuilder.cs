using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Startup;

/// <summary>
/// The server's <see cref="WebApplicationBuilder"/>: ASP.NET Core's slim builder plus exactly the parts of the full
/// <see cref="WebApplication.CreateBuilder(string[])"/> the bot uses (README "Performance notes").
/// <para>
/// The slim builder leaves out the IIS integration and Kestrel's QUIC/HTTP/3 transport (the bot runs on Kestrel over
/// HTTP/1.1 and HTTP/2 on Linux), which the full builder loads into every process (about 1.5 MB of mapped images, and their
/// types in the runtime's memory), the regex route constraint (no route uses one), and the Debug logger (output only to an
/// attached debugger). Kept as with the full builder: appsettings.json and appsettings.{Environment}.json, user secrets in
/// Development, environment variables, command-line arguments, the <c>Kestrel</c> section, host filtering
/// (<c>AllowedHosts</c>), forwarded headers (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>), and the console log with the
/// <c>Logging</c> section. Added back here: HTTPS endpoints from configuration (an https URL or <c>Kestrel:Endpoints</c>
/// with a certificate), the console formatter chosen by <c>Logging:Console:FormatterName</c> (simple, json or systemd;
/// the slim builder would pin it to simple), and the EventSource logger (logs for dotnet-trace and dotnet-monitor).
/// </para>
/// </summary>
public static class BotHostBuilder
{
    /// <summary>Creates the builder; <paramref name="contentRoot"/> is where appsettings.json is read from.</summary>
    public static WebApplicationBuilder Create(string[] args, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentRoot);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
        builder.WebHost.UseKestrelHttpsConfiguration();

        // The slim builder adds the console logger with the simple formatter forced by an options action that runs after
        // the Logging:Console section is bound. Drop that action (keep the binding), so the section decides, as with the
        // full builder; the simple formatter stays the default.
        builder.Services.RemoveAll<IConfigureOptions<ConsoleLoggerOptions>>();
        builder.Logging.AddConsole();
        builder.Logging.AddEventSourceLogger();
        return builder;
    }
}
