using CrisisBot.Cards.Actions;
using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Features.Channels;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.TestData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CrisisBot.Tests.Features.HotTopics.Cards.TopicBatches;
using H = CrisisBot.Tests.Features.HotTopics.Cards.TopicCardsTestHost;

namespace CrisisBot.Tests.Features.HotTopics.Cards;

/// <summary>The card verbs through POST /api/messages (the whole bot in local mode), as different users.</summary>
public sealed class TopicCardVerbsTests : IAsyncLifetime
{
    private readonly CrisisBotFactory _factory;

    public TopicCardVerbsTests()
    {
        _factory = CrisisBotFactory.LocalMode()
            .WithSetting("Bot:Admins:0", H.AdminAad)
            .WithSetting("TopicCards:FlusherEnabled", "false");
        _factory.WithSetting("Products:Path", H.WriteProducts(_factory.DataDirectory));
    }

    public async Task InitializeAsync()
    {
        var publisher = _factory.Services.GetRequiredService<TopicCardPublisher>();
        await using var db = await Contexts.CreateDbContextAsync();
        await publisher.OnTopicsChangedAsync(db, Onset(7, AlarmSeverity.Medium), CancellationToken.None);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    private IDbContextFactory<CrisisDbContext> Contexts => _factory.Services.GetRequiredService<IDbContextFactory<CrisisDbContext>>();

    private Task<CrisisBot.Protocol.Routing.InvokeResponse> InvokeAsync(string verb, object data, string userAad, string name) =>
        _factory.InvokeAsync(ActivityBuilder.CardAction(verb, data, "channel").WithFrom("29:" + name.Replace(' ', '-'), name, userAad).Build());

    private async Task<TopicCard> CardAsync()
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.Set<TopicCard>().AsNoTracking().SingleAsync(c => c.TopicId == 7);
    }

    private async Task<List<AuditEntry>> AuditAsync()
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Subject == "topic:T7").OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task Refresh_AnyUser_GetsTheCurrentCard()
    {
        var response = await InvokeAsync(CardVerbs.TopicRefresh, new TopicActionData("T7"), "ffffffff-0000-4000-8000-000000000099", "Sam Stranger");

        Assert.Equal(200, response.StatusCode);
        var text = CardText.Of(response.Value);
        Assert.Contains("Mail and parcels", text, StringComparison.Ordinal);
        Assert.Contains("Post number 12", text, StringComparison.Ordinal);
        Assert.Contains(CardVerbs.TopicMute, CardText.Verbs(response.Value));
    }

    [Fact]
    public async Task Mute_ByTheOwner_MutesShowsWhoAndUntilWhen_Audited()
    {
        var response = await InvokeAsync(CardVerbs.TopicMute, new MuteTopicData("T7", "4"), H.OwnerAad, "Olga Owner");

        Assert.Contains("Alerts muted by Olga Owner until", CardText.Of(response.Value), StringComparison.Ordinal);
        var card = await CardAsync();
        Assert.NotNull(card.MutedUntil);
        Assert.Equal(TimeSpan.FromHours(4), card.MutedUntil!.Value - (await AuditAsync())[0].At);
        Assert.Equal(AlarmSeverity.Medium, card.MutedAtSeverity);
        var audit = Assert.Single(await AuditAsync());
        Assert.Equal(("topic.mute", H.OwnerAad), (audit.Action, audit.ActorId));
    }

    [Fact]
    public async Task Mute_ByAStranger_NotAllowedCard_NothingChanges_Audited()
    {
        var response = await InvokeAsync(CardVerbs.TopicMute, new MuteTopicData("T7", "1"), "ffffffff-0000-4000-8000-000000000099", "Sam Stranger");

        Assert.Contains("You can't mute this topic", CardText.Of(response.Value), StringComparison.Ordinal);
        Assert.Null((await CardAsync()).MutedUntil);
        var audit = Assert.Single(await AuditAsync());
        Assert.Equal("topic.mute.refused", audit.Action);
    }

    [Fact]
    public async Task Resolve_ByAnOwnerOfAnotherProduct_Refused()
    {
        var response = await InvokeAsync(CardVerbs.TopicResolve, new TopicActionData("T7"), "0b0b0b0b-0000-4000-8000-000000000004", "Tom Travel");

        Assert.Contains("You can't resolve this topic", CardText.Of(response.Value), StringComparison.Ordinal);
        Assert.False((await CardAsync()).IsFinal);
    }

    [Fact]
    public async Task Resolve_ByTheDeputy_CardFinalShowsWho_Audited()
    {
        var response = await InvokeAsync(CardVerbs.TopicResolve, new TopicActionData("T7"), H.DeputyAad, "Dee Deputy");

        var text = CardText.Of(response.Value);
        Assert.Contains("Marked resolved by Dee Deputy", text, StringComparison.Ordinal);
        Assert.DoesNotContain(CardVerbs.TopicResolve, CardText.Verbs(response.Value));
        Assert.Contains(CardVerbs.TopicAskExpert, CardText.Verbs(response.Value));
        var card = await CardAsync();
        Assert.True(card.IsFinal);
        Assert.Equal(H.DeputyAad, card.ResolvedById);
        Assert.Equal("topic.resolve", Assert.Single(await AuditAsync()).Action);
    }

    [Fact]
    public async Task Resolve_ByAnAdmin_Allowed_SecondResolveChangesNothing()
    {
        await InvokeAsync(CardVerbs.TopicResolve, new TopicActionData("T7"), H.AdminAad, "Ada Admin");
        var again = await InvokeAsync(CardVerbs.TopicResolve, new TopicActionData("T7"), H.AdminAad, "Ada Admin");

        Assert.Contains("Marked resolved by Ada Admin", CardText.Of(again.Value), StringComparison.Ordinal);
        Assert.Single(await AuditAsync());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("5")]
    [InlineData("abc")]
    [InlineData(null)]
    public async Task Mute_BadDuration_ClearError_NothingChanges(string? hours)
    {
        var response = await InvokeAsync(CardVerbs.TopicMute, new MuteTopicData("T7", hours), H.OwnerAad, "Olga Owner");

        Assert.Contains("Choose how long to mute", CardText.Of(response.Value), StringComparison.Ordinal);
        Assert.Null((await CardAsync()).MutedUntil);
    }

    [Theory]
    [InlineData("T999")]
    [InlineData("nonsense")]
    [InlineData("")]
    public async Task Verbs_UnknownOrBadTopicId_ClearError(string topicId)
    {
        var response = await InvokeAsync(CardVerbs.TopicRefresh, new TopicActionData(topicId), H.OwnerAad, "Olga Owner");

        Assert.Equal(200, response.StatusCode);
        var text = CardText.Of(response.Value);
        Assert.True(text.Contains("Unknown topic", StringComparison.Ordinal) || text.Contains("did not say which topic", StringComparison.Ordinal), text);
    }
}
