using CrisisBot.Features.Channels;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>Where a product's topic cards go: the product binding, products.yaml <c>channel</c>, the crisis channel.</summary>
public sealed class TopicCardTargets(ProductCatalog catalog, IOptionsMonitor<TopicCardsOptions> options, ICrisisState crisis)
{
    /// <summary>
    /// The product's channel (the agents channel for the triage pseudo-product): its <c>product &lt;key&gt;</c> binding, else the <c>channel</c> in products.yaml (reached with
    /// the serviceUrl the bot recorded for it, else <see cref="TopicCardsOptions.DefaultServiceUrl"/>); null when unbound.
    /// </summary>
    public async Task<CardTarget?> ProductAsync(CrisisDbContext db, string productKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (productKey == ProductCatalog.TriageKey)
        {
            // Unroutable posts: their topics are shown to the agents.
            return await RoleAsync(db, ChannelRole.Agents, ct);
        }

        var key = productKey.ToLowerInvariant();
        var binding = await db.Set<ChannelBinding>().AsNoTracking()
            .SingleOrDefaultAsync(b => b.Role == ChannelRole.Product && b.ProductKey == key, ct);
        if (binding is not null)
        {
            return new CardTarget(binding.ChannelId, binding.ServiceUrl, binding.TenantId);
        }

        var channel = catalog.Find(productKey)?.Channel;
        if (string.IsNullOrWhiteSpace(channel))
        {
            return null;
        }

        var reference = await db.Set<ConversationReference>().AsNoTracking().SingleOrDefaultAsync(r => r.ConversationId == channel, ct);
        var o = options.CurrentValue;
        if (reference is not null)
        {
            return new CardTarget(channel, reference.ServiceUrl, reference.TenantId ?? o.DefaultTenantId ?? OutboxRequest.UnknownTenant);
        }

        return string.IsNullOrWhiteSpace(o.DefaultServiceUrl)
            ? null
            : new CardTarget(channel, o.DefaultServiceUrl, string.IsNullOrWhiteSpace(o.DefaultTenantId) ? OutboxRequest.UnknownTenant : o.DefaultTenantId);
    }

    /// <summary>The crisis channel, when a crisis covering the product is active and the channel is bound.</summary>
    public async Task<CardTarget?> CrisisAsync(CrisisDbContext db, string productKey, CancellationToken ct)
    {
        var active = await crisis.GetActiveAsync(ct);
        return active is null || !active.Covers(productKey) ? null : await RoleAsync(db, ChannelRole.Crisis, ct);
    }

    /// <summary>The agents channel (for "this product has no channel" notices).</summary>
    public Task<CardTarget?> AgentsAsync(CrisisDbContext db, CancellationToken ct) => RoleAsync(db, ChannelRole.Agents, ct);

    private static async Task<CardTarget?> RoleAsync(CrisisDbContext db, ChannelRole role, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var binding = await db.Set<ChannelBinding>().AsNoTracking().SingleOrDefaultAsync(b => b.Role == role && b.ProductKey == "", ct);
        return binding is null ? null : new CardTarget(binding.ChannelId, binding.ServiceUrl, binding.TenantId);
    }
}
