using CrisisBot.Features.Crisis;
using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Startup;
using CrisisBot.Protocol.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics.Cards;

public static class TopicCardsFeature
{
    /// <summary>
    /// Hot-topic cards in Teams: the publisher (an <see cref="ITopicChangeObserver"/>), the flusher, and the card verbs.
    /// Needs storage, the outbox and the Channels feature.
    /// </summary>
    public static IServiceCollection AddTopicCardsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TopicCardsOptions>()
            .Bind(configuration.GetSection(TopicCardsOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.DefaultServiceUrl) || Uri.TryCreate(o.DefaultServiceUrl, UriKind.Absolute, out _),
                "TopicCards:DefaultServiceUrl must be an absolute URL.")
            .ValidateOnStart();
        services.AddProductsOptions(configuration);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ProductsOptions>>().Value.LoadCatalog());
        services.TryAddSingleton<ICrisisState, NoActiveCrisis>();
        services.TryAddSingleton<IExpertAnswers, NoExpertAnswers>();

        services.AddSingleton<TopicCardFlushSignal>();
        services.AddSingleton<TopicCardRenderer>();
        services.AddSingleton<TopicCardTargets>();
        services.AddSingleton<TopicCardSender>();
        services.AddSingleton<TopicCardPublisher>();
        services.AddSingleton<ITopicChangeObserver>(sp => sp.GetRequiredService<TopicCardPublisher>());
        services.AddSingleton<TopicCardFlusher>();
        services.AddBackgroundWorker(sp => sp.GetRequiredService<TopicCardFlusher>());
        services.AddSingleton<TopicCardWarmup>();
        services.AddBackgroundWorker(sp => sp.GetRequiredService<TopicCardWarmup>());
        services.AddSingleton<IExpertLoopObserver, TopicCardExpertObserver>();
        services.Replace(ServiceDescriptor.Singleton<ITopicLineage, StoredTopicLineage>());
        services.AddSingleton<TopicCardCommands>();
        services.AddSingleton<IBotRoutes, TopicCardsRoutes>();
        return services;
    }
}
