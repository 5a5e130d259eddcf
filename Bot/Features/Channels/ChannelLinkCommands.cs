using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;

namespace CrisisBot.Features.Channels;

/// <summary>The <c>link</c>, <c>unlink</c> and <c>links</c> commands and the links refresh verb.</summary>
public sealed class ChannelLinkCommands(
    ChannelStore store,
    InstallTracker installs,
    AdminPolicy admins,
    IOutbox outbox,
    ChannelsCards cards,
    ILogger<ChannelLinkCommands> logger)
{
    /// <summary><c>link &lt;role&gt; [key]</c>: admins only, in a team channel. Replies in the thread and announces in the channel.</summary>
    public async Task LinkAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        var (team, key) = await CheckAsync(turn, "link", command.Arguments, ct);
        if (team is null)
        {
            return;
        }

        var reference = await installs.EnsureTeamChannelAsync(team, ct);
        var target = new ChannelTarget(
            team.ChannelId,
            reference?.ChannelName ?? TeamChannelContext.ChannelDisplayName(team.ChannelId, team.TeamId, team.ChannelName),
            team.TeamId,
            reference?.TeamName ?? team.TeamName,
            team.ServiceUrl,
            team.TenantId!);
        var actor = Actor(turn.Activity);

        // The announcement post goes into the outbox in the link's own transaction: linked and announced, or neither.
        var result = await store.LinkAsync(key, target, actor,
            (db, pending) => outbox.Enqueue(db, Announcement(key, target, cards.Linked(pending.Binding, pending.PreviousTarget))), ct);
        var role = ChannelsCards.RoleLabel(key);
        if (result.AlreadyLinkedHere)
        {
            await turn.ReplyAsync(
                OutgoingActivity.WithCard(cards.Linked(result.Binding), $"Already linked: {key}") with
                {
                    Text = $"This channel already receives the {role} cards; nothing changed.",
                    TextFormat = "plain",
                },
                ct);
            return;
        }

        ChannelsLog.Linked(logger, key.Subject, target.ChannelId, actor.Id, result.PreviousTarget?.ChannelId);
        await turn.ReplyAsync(OutgoingActivity.WithCard(cards.Linked(result.Binding, result.PreviousTarget), $"Linked {key}"), ct);
    }

    /// <summary>The logical card id of a link announcement: the delivery worker records the post's ids under it.</summary>
    public static string AnnouncementCardId(ChannelBindingKey key, string channelId) =>
        $"channel-link:{key.Role.ToString().ToLowerInvariant()}:{key.ProductKey}:{channelId}";

    /// <summary><c>unlink &lt;role&gt; [key]</c>: admins only, in a team channel.</summary>
    public async Task UnlinkAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        var (team, key) = await CheckAsync(turn, "unlink", command.Arguments, ct);
        if (team is null)
        {
            return;
        }

        var actor = Actor(turn.Activity);
        var removed = await store.UnlinkAsync(key, actor, ct);
        if (removed is null)
        {
            await turn.ReplyAsync(PlainText($"No channel is linked for {key}, so there is nothing to unlink. Type 'links' to see the links."), ct);
            return;
        }

        ChannelsLog.Unlinked(logger, key.Subject, removed.ChannelId, actor.Id);
        await turn.ReplyAsync(PlainText(
            $"Unlinked: {removed.TeamName ?? removed.TeamId} › {removed.ChannelName ?? removed.ChannelId} no longer receives the " +
            $"{ChannelsCards.RoleLabel(key)} cards. Link another channel with 'link {key}'."), ct);
    }

    /// <summary><c>links</c>: the bindings card, anywhere.</summary>
    public async Task LinksAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        await turn.ReplyAsync(OutgoingActivity.WithCard(await LinksCardAsync(ct), "Channel links"), ct);
    }

    public async Task<InvokeResponse> RefreshLinksAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        InvokeResponse.Card(await LinksCardAsync(ct));

    private async Task<System.Text.Json.JsonElement> LinksCardAsync(CancellationToken ct) => cards.Links(await store.GetBindingsAsync(ct));

    /// <summary>
    /// The checks shared by link and unlink, in order: a team channel, an admin, a valid role. Each failure replies
    /// and returns a null team; nothing is stored.
    /// </summary>
    private async Task<(TeamChannelContext? Team, ChannelBindingKey Key)> CheckAsync(TurnContext turn, string verb, string arguments, CancellationToken ct)
    {
        var activity = turn.Activity;
        var team = TeamChannelContext.From(activity);
        if (team is null)
        {
            await turn.ReplyAsync(PlainText(
                $"'{verb}' only works in a team channel: @mention me in the channel that should (or should no longer) receive the cards, " +
                $"e.g. '@CrisisBot {verb} agents'."), ct);
            return (null, default);
        }

        if (string.IsNullOrWhiteSpace(team.TenantId))
        {
            await turn.ReplyAsync(PlainText($"I cannot {verb} this channel: Teams did not say which tenant it belongs to."), ct);
            return (null, default);
        }

        if (!await admins.IsAdminAsync(activity, ct))
        {
            ChannelsLog.NotAdmin(logger, verb, activity.From?.Id, activity.From?.AadObjectId);
            await turn.ReplyAsync(OutgoingActivity.WithCard(cards.NotAllowed($"{verb} channels"), "Not allowed"), ct);
            return (null, default);
        }

        if (!ChannelRoleParser.TryParse(verb, arguments, out var key, out var error))
        {
            await turn.ReplyAsync(PlainText(error), ct);
            return (null, default);
        }

        return (team, key);
    }

    /// <summary>A new post in the linked channel (create conversation) through the outbox; its ids are recorded under <see cref="AnnouncementCardId"/>.</summary>
    private static OutboxRequest Announcement(ChannelBindingKey key, ChannelTarget target, System.Text.Json.JsonElement card)
    {
        // Card only: the Agents Playground shows just the text of a created post when it has both. The summary carries the
        // sentence for notifications and clients that cannot render the card.
        var post = OutgoingActivity.WithCard(card, $"This channel now receives {ChannelsCards.RoleLabel(key)} cards from CrisisBot.");
        return OutboxRequest.ChannelPost(target.ServiceUrl, target.TenantId, target.ChannelId, post, AnnouncementCardId(key, target.ChannelId));
    }

    private static ChannelActor Actor(Activity activity)
    {
        var from = activity.From;
        var id = !string.IsNullOrWhiteSpace(from?.AadObjectId) ? from.AadObjectId : from?.Id;
        return new ChannelActor(string.IsNullOrWhiteSpace(id) ? "unknown" : id, from?.Name);
    }

    /// <summary>Echoes user input, so plain text: no markdown from the user is rendered.</summary>
    private static OutgoingActivity PlainText(string text) => new() { Text = text, TextFormat = "plain" };
}
