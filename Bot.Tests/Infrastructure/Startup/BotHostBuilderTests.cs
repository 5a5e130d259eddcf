using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CrisisBot.Infrastructure.Startup;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Logging.EventSource;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Infrastructure.Startup;

public sealed class BotHostBuilderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("crisisbot-host-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Create_Services_HaveNeitherQuicTransportNorIisIntegration()
    {
        var builder = BotHostBuilder.Create([], _root);

        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(IMultiplexedConnectionListenerFactory));
        Assert.DoesNotContain(builder.Services, d => AssemblyOf(d).StartsWith("Microsoft.AspNetCore.Server.IIS", StringComparison.Ordinal));
        // What the bot does use is there: Kestrel (HTTP/1.1 and HTTP/2 over sockets).
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(IConnectionListenerFactory));
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(IServer));
    }

    [Fact]
    public void Create_Configuration_ReadsAppsettingsFromTheContentRootThenEnvironmentThenArguments()
    {
        File.WriteAllText(Path.Combine(_root, "appsettings.json"), """{ "Probe": { "A": "file", "B": "file" } }""");

        var builder = BotHostBuilder.Create(["--Probe:B=argument"], _root);

        Assert.Equal("file", builder.Configuration["Probe:A"]);
        Assert.Equal("argument", builder.Configuration["Probe:B"]);
        Assert.Equal(_root, builder.Environment.ContentRootPath.TrimEnd(Path.DirectorySeparatorChar));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("json", "json")]
    [InlineData("systemd", "systemd")]
    public void Create_ConsoleFormatter_IsTheOneLoggingConsoleFormatterNameNames(string? configured, string? expected)
    {
        string[] args = configured is null ? [] : [$"--Logging:Console:FormatterName={configured}"];

        using var app = BotHostBuilder.Create(args, _root).Build();

        Assert.Equal(expected, app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        var providers = app.Services.GetServices<ILoggerProvider>().ToList();
        Assert.Single(providers.OfType<ConsoleLoggerProvider>());
        Assert.Single(providers.OfType<EventSourceLoggerProvider>());
    }

    [Fact]
    public async Task Create_HttpsEndpointInConfiguration_ServesOverTlsWithThatCertificate()
    {
        using var certificate = SelfSigned();
        var pfx = Path.Combine(_root, "bot.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "test-only"));
        var builder = BotHostBuilder.Create(
            [
                "--Kestrel:Endpoints:Https:Url=https://127.0.0.1:0",
                $"--Kestrel:Endpoints:Https:Certificate:Path={pfx}",
                "--Kestrel:Endpoints:Https:Certificate:Password=test-only",
            ],
            _root);
        await using var app = builder.Build();
        app.MapGet("/probe", () => "over tls");

        await app.StartAsync();
        try
        {
            var address = Assert.Single(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses);
            string? seen = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                {
                    seen = cert?.Thumbprint;
                    return seen == certificate.Thumbprint;
                },
            };
            using var client = new HttpClient(handler);

            var body = await client.GetStringAsync(new Uri(new Uri(address), "/probe"));

            Assert.StartsWith("https://127.0.0.1:", address, StringComparison.Ordinal);
            Assert.Equal("over tls", body);
            Assert.Equal(certificate.Thumbprint, seen);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static string AssemblyOf(ServiceDescriptor descriptor) =>
        (descriptor.IsKeyedService ? descriptor.KeyedImplementationType : descriptor.ImplementationType)?.Assembly.GetName().Name
        ?? descriptor.ServiceType.Assembly.GetName().Name
        ?? "";

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
