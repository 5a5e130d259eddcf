namespace CrisisBot.Protocol.Hosting;

public static class ProtocolHostingExtensions
{
    /// <summary>Options, inbound auth, router and the background turn queue.</summary>
    public static WebApplicationBuilder AddBotProtocol(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }

    /// <summary>POST /api/messages: authenticate, then route.</summary>
    public static WebApplication MapBotMessages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app;
    }
}
