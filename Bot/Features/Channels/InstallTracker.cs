using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Routing;

namespace CrisisBot.Features.Channels;

/// <summary>
/// Keeps conversation references current from installationUpdate and conversationUpdate activities. Everything is
/// an upsert: the Agents Playground re-sends the install pair on every page load, and Teams may repeat events.
/// </summary>
public sealed class InstallTracker(ChannelStore store, IConnectorClient connector, ChannelsCards cards, ILogger<InstallTracker> logger)
{
    /// <summary>installationUpdate: add / add-upgrade record the install; remove / remove-upgrade mark it inactive.</summary>
    public async Task OnInstallationUpdateAsync(TurnContext turn, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        switch (turn.Activity.Action?.Trim().ToLowerInvariant())
        {
            case "add":
            case "add-upgrade":
                await OnBotAddedAsync(turn, ct);
                break;
            case "remove":
            case "remove-upgrade":
                await OnBotRemovedAsync(turn.Activity, ct);
                break;
            default:
                ChannelsLog.IgnoredActivity(logger, ActivityTypes.InstallationUpdate, $"unknown action '{turn.Activity.Action}'");
                break;
        }
    }

    /// <summary>
    /// conversationUpdate: the bot added to or removed from a conversation (<c>membersAdded</c>/<c>membersRemoved</c>
    /// containing <c>recipient.id</c>), and team lifecycle events (<c>channelData.eventType</c>).
    /// </summary>
    public async Task OnConversationUpdateAsync(TurnContext turn, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var activity = turn.Activity;
        var botId = activity.Recipient?.Id;
        if (!string.IsNullOrEmpty(botId) && activity.MembersRemoved?.Any(m => m.Id == botId) == true)
        {
            await OnBotRemovedAsync(activity, ct);
            return;
        }

        if (!string.IsNullOrEmpty(botId) && activity.MembersAdded?.Any(m => m.Id == botId) == true)
        {
            await OnBotAddedAsync(turn, ct);
            return;
        }

        var eventType = activity.ChannelData?.EventType;
        if (eventType is null)
        {
            return;
        }

        var team = TeamChannelContext.From(activity);
        if (team is null)
        {
            ChannelsLog.IgnoredActivity(logger, ActivityTypes.ConversationUpdate, $"{eventType} without team, serviceUrl or channel");
            return;
        }

        switch (eventType)
        {
            case "channelCreated":
            case "channelRestored":
            case "channelUnshared":
            case "channelShared":
                ChannelsLog.ChannelEvent(logger, eventType, team.ChannelId);
                await store.UpsertAsync(team.ToSnapshot(team.ChannelId, team.ChannelName), ct);
                break;
            case "channelRenamed":
                ChannelsLog.ChannelEvent(logger, eventType, team.ChannelId);
                if (string.IsNullOrWhiteSpace(team.ChannelName) || !await store.RenameChannelAsync(team.ChannelId, team.ChannelName, ct))
                {
                    await store.UpsertAsync(team.ToSnapshot(team.ChannelId, team.ChannelName), ct);
                }

                break;
            case "channelDeleted":
                ChannelsLog.ChannelEvent(logger, eventType, team.ChannelId);
                await store.DeactivateAsync(team.ChannelId, ct);
                var stillBound = (await store.GetBindingsAsync(ct)).Where(b => b.ChannelId == team.ChannelId).ToList();
                if (stillBound.Count > 0)
                {
                    ChannelsLog.DeletedChannelStillBound(logger, team.ChannelId, string.Join(", ", stillBound.Select(b => b.Key.Subject)));
                }

                break;
            case "teamRenamed":
                ChannelsLog.ChannelEvent(logger, eventType, team.TeamId);
                if (!string.IsNullOrWhiteSpace(team.TeamName))
                {
                    await store.RenameTeamAsync(team.TeamId, team.TeamName, ct);
                }

                break;
            case "teamDeleted":
            case "teamHardDeleted":
                ChannelsLog.BotRemoved(logger, "team", team.TeamId, await store.DeactivateTeamAsync(team.TeamId, ct));
                break;
            case "teamRestored":
                await SyncTeamAsync(team, ct);
                break;
            default:
                // Member changes, archiving and future event types need no bookkeeping here.
                break;
        }
    }

    /// <summary>
    /// Records every channel of the team: names from <c>GET v3/teams/{id}/conversations</c> (General has none and is
    /// stored as "General"), the aadGroupId from <c>GET v3/teams/{id}</c> when the activity lacks it. When the Connector
    /// fails, what the activity itself says is still stored.
    /// </summary>
    /// <returns>The number of channel references written.</returns>
    public async Task<int> SyncTeamAsync(TeamChannelContext team, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(team);
        if (team.TeamAadGroupId is null || team.TeamName is null)
        {
            try
            {
                var details = await connector.GetTeamDetailsAsync(team.ServiceUrl, team.TeamId, ct);
                team = team with
                {
                    TeamAadGroupId = team.TeamAadGroupId ?? details.AadGroupId,
                    TeamName = team.TeamName ?? details.Name,
                    TenantId = team.TenantId ?? details.TenantId,
                };
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                ChannelsLog.TeamLookupFailed(logger, team.TeamId, "GET v3/teams/{teamId}", ex);
            }
        }

        var channels = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [team.TeamId] = null,
            [team.ChannelId] = team.ChannelName,
        };
        try
        {
            foreach (var channel in await connector.GetTeamChannelsAsync(team.ServiceUrl, team.TeamId, ct))
            {
                if (!string.IsNullOrWhiteSpace(channel.Id))
                {
                    channels[channel.Id] = channel.Name ?? channels.GetValueOrDefault(channel.Id);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            ChannelsLog.TeamLookupFailed(logger, team.TeamId, "GET v3/teams/{teamId}/conversations", ex);
        }

        foreach (var (channelId, channelName) in channels)
        {
            await store.UpsertAsync(team.ToSnapshot(channelId, channelName), ct);
        }

        ChannelsLog.TeamSynced(logger, team.TeamId, channels.Count);
        return channels.Count;
    }

    /// <summary>
    /// The stored reference of the activity's team channel, synchronising the team first when the channel is unknown
    /// or has no name yet.
    /// </summary>
    public async Task<ConversationReference?> EnsureTeamChannelAsync(TeamChannelContext team, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(team);
        var reference = await store.FindAsync(team.ChannelId, ct);
        if (reference is null || reference.ChannelName is null || !reference.IsActive)
        {
            await SyncTeamAsync(team, ct);
            reference = await store.FindAsync(team.ChannelId, ct);
        }

        return reference;
    }

    private async Task OnBotAddedAsync(TurnContext turn, CancellationToken ct)
    {
        var activity = turn.Activity;
        var team = TeamChannelContext.From(activity);
        if (team is not null)
        {
            await SyncTeamAsync(team, ct);
            return;
        }

        var snapshot = ChatSnapshot(activity);
        if (snapshot is null)
        {
            return;
        }

        var outcome = await store.UpsertAsync(snapshot, ct);
        ChannelsLog.BotAdded(logger, snapshot.Kind, snapshot.ConversationId, outcome);
        if (snapshot.Kind == ConversationKinds.Personal && await store.TryClaimWelcomeAsync(snapshot.ConversationId, ct))
        {
            await turn.ReplyAsync(OutgoingActivity.WithCard(cards.Help(), "Welcome to CrisisBot"), ct);
            ChannelsLog.Welcomed(logger, snapshot.ConversationId);
        }
    }

    private async Task OnBotRemovedAsync(Activity activity, CancellationToken ct)
    {
        var teamId = activity.ChannelData?.Team?.Id;
        if (!string.IsNullOrWhiteSpace(teamId))
        {
            ChannelsLog.BotRemoved(logger, "team", teamId, await store.DeactivateTeamAsync(teamId, ct));
            return;
        }

        var conversationId = activity.Conversation?.Id;
        if (string.IsNullOrWhiteSpace(conversationId))
        {
            ChannelsLog.IgnoredActivity(logger, activity.Type ?? "?", "uninstall without conversation id");
            return;
        }

        var baseId = ConversationKinds.BaseId(conversationId);
        ChannelsLog.BotRemoved(logger, "conversation", baseId, await store.DeactivateAsync(baseId, ct));
    }

    private ConversationSnapshot? ChatSnapshot(Activity activity)
    {
        var conversation = activity.Conversation;
        if (string.IsNullOrWhiteSpace(conversation?.Id) || string.IsNullOrWhiteSpace(activity.ServiceUrl))
        {
            ChannelsLog.IgnoredActivity(logger, activity.Type ?? "?", "install without conversation id or serviceUrl");
            return null;
        }

        var kind = conversation.ConversationType switch
        {
            { } k when k.Equals(ConversationKinds.GroupChat, StringComparison.OrdinalIgnoreCase) => ConversationKinds.GroupChat,
            { } k when k.Equals(ConversationKinds.Personal, StringComparison.OrdinalIgnoreCase) => ConversationKinds.Personal,
            { } k when k.Equals(ConversationKinds.Channel, StringComparison.OrdinalIgnoreCase) => ConversationKinds.Channel,
            _ => conversation.IsGroup == true ? ConversationKinds.GroupChat : ConversationKinds.Personal,
        };
        var personal = kind == ConversationKinds.Personal;
        return new ConversationSnapshot(
            ConversationKinds.BaseId(conversation.Id),
            kind,
            activity.ServiceUrl,
            activity.ChannelData?.Tenant?.Id ?? conversation.TenantId,
            BotId: activity.Recipient?.Id,
            ConversationName: personal ? null : conversation.Name,
            UserId: personal ? activity.From?.Id : null,
            UserAadObjectId: personal ? activity.From?.AadObjectId : null);
    }
}
