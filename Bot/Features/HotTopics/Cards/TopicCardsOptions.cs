using System.ComponentModel.DataAnnotations;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>Configuration section <c>TopicCards</c>: hot-topic cards in Teams.</summary>
public sealed class TopicCardsOptions
{
    public const string SectionName = "TopicCards";

    /// <summary>Each card is updated at most once per this interval (wall clock). <value>1 minute</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the flusher looks for due updates when nothing wakes it. <value>1 second</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// serviceUrl for a channel named only in products.yaml (<c>channel</c>) that the bot has not seen yet (no install
    /// event). Teams installs record the real one; the local Playground uses <c>http://localhost:56150/_connector</c>.
    /// </summary>
    public string? DefaultServiceUrl { get; set; }

    /// <summary>Tenant id used with <see cref="DefaultServiceUrl"/>.</summary>
    public string? DefaultTenantId { get; set; }

    /// <summary>Run the flusher (off only in tests that drive it by hand). <value>true</value></summary>
    public bool FlusherEnabled { get; set; } = true;

    /// <summary>
    /// Warm the card path once after start (after the first healthy <c>/healthz</c>, or 30 s after start without one):
    /// a sample card is built, rendered and handed to the outbox inside a transaction that is rolled back, so the first
    /// real hot topic does not pay the JIT and query compilation of the whole path. Nothing is stored or sent.
    /// <value>true</value>
    /// </summary>
    public bool WarmUp { get; set; } = true;
}
