using CrisisBot.Features.HotTopics.Api;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Startup;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics;

public static class HotTopicsFeature
{
    /// <summary>
    /// The product catalog (<c>Products:Path</c>), the ingest pipeline (one engine, rebuilt from storage at start),
    /// and the options of POST /api/posts (<c>Intake</c>) and the read API (<c>Api</c>).
    /// </summary>
    /// <remarks>Needs <c>AddStorage</c> and a <see cref="TimeProvider"/>. Observers register as
    /// <c>services.AddSingleton&lt;ITopicChangeObserver, X&gt;()</c>.</remarks>
    public static IServiceCollection AddHotTopicsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        AddHotTopicsCore(services, configuration);
        services.AddBackgroundWorker(sp => new PipelineStartup(sp.GetRequiredService<HotTopicPipeline>()));
        return services;
    }

    /// <summary>Everything but the hosted start-up rebuild (the CLI rebuilds on its first batch).</summary>
    public static IServiceCollection AddHotTopicsCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddProductsOptions(configuration);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ProductsOptions>>().Value.LoadCatalog());
        services.AddOptions<IntakeOptions>().Bind(configuration.GetSection(IntakeOptions.SectionName)).ValidateOnStart();
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IntakeOptionsValidator>();
        services.AddSingleton<PostsIntakeStats>();
        services.AddSingleton<IValidateOptions<IntakeOptions>>(sp => sp.GetRequiredService<IntakeOptionsValidator>());
        services.AddSingleton<IValidateOptions<ApiOptions>>(sp => sp.GetRequiredService<IntakeOptionsValidator>());
        services.TryAddSingleton<IntakeDatabase>();
        services.TryAddSingleton<HotTopicPipeline>();
        return services;
    }

    /// <summary>POST /api/posts and the read API.</summary>
    public static WebApplication MapHotTopics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/api/posts", PostsEndpoint.HandleAsync);
        TopicsApi.Map(app);
        return app;
    }

    /// <summary>Rebuilds the engine from stored posts in the background at start; ingest waits until it is done.</summary>
    private sealed class PipelineStartup(HotTopicPipeline pipeline) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => pipeline.StartAsync(stoppingToken);
    }
}
