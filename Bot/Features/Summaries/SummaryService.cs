using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Templates;
using CrisisBot.Features.Channels;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.Summaries;

/// <summary>Where an on-demand summary goes: a channel (new post, updatable by card id) or a chat (reply).</summary>
public sealed record SummaryTarget(string ServiceUrl, string TenantId, string ConversationId, bool IsChannelPost);

/// <summary>The result of generating a summary: the stored row (null when refused) and sentences for the person who asked.</summary>
public sealed record SummaryOutcome(StoredSummary? Summary, LeadershipSummaryCardInput? Input, IReadOnlyList<string> Notes);

/// <summary>
/// Generates, stores and posts leadership summaries (through the outbox), records acknowledgements and re-renders the
/// card, and sends the e-mail copy.
/// </summary>
public sealed class SummaryService(
    IDbContextFactory<CrisisDbContext> contexts,
    SummaryBuilder builder,
    ChartUrlSigner signer,
    SummaryMailer mailer,
    IOutbox outbox,
    ChannelStore channels,
    TimeProvider time,
    ILogger<SummaryService> logger)
{
    public const string NoLeadershipChannel =
        "No channel is linked as the leadership channel, so scheduled summaries have nowhere to go. " +
        "An admin @mentions me with 'link leadership' in that channel.";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Builds and stores a summary and enqueues its card: to <paramref name="target"/>, or (null) to the channel linked as
    /// leadership. A summary that goes to the leadership channel also gets the e-mail copy (when configured).
    /// </summary>
    public async Task<SummaryOutcome> GenerateAsync(SummaryPeriod period, string trigger, SummaryTarget? target, (string Id, string? Name)? requestedBy, CancellationToken ct = default)
    {
        var notes = new List<string>();
        var leadership = await channels.FindBindingAsync(new ChannelBindingKey(ChannelRole.Leadership, ""), ct);
        if (target is null)
        {
            if (leadership is null)
            {
                SummariesLog.NoLeadershipChannel(logger);
                return new SummaryOutcome(null, null, [NoLeadershipChannel]);
            }

            target = new SummaryTarget(leadership.ServiceUrl, leadership.TenantId, leadership.ChannelId, true);
        }
        else if (leadership is null)
        {
            notes.Add(NoLeadershipChannel);
        }

        var toLeadership = leadership is not null && target.IsChannelPost && string.Equals(target.ConversationId, leadership.ChannelId, StringComparison.Ordinal);
        var id = SummaryBuilder.NewId();
        var input = await builder.BuildAsync(id, period, ct);
        var summary = new StoredSummary
        {
            Id = id,
            Period = period,
            PeriodStart = input.PeriodStart.ToUniversalTime(),
            PeriodEnd = input.PeriodEnd.ToUniversalTime(),
            GeneratedAt = time.GetUtcNow(),
            Trigger = trigger,
            RequestedById = requestedBy?.Id,
            RequestedByName = requestedBy?.Name,
            InputJson = JsonSerializer.Serialize(input, Json),
            ServiceUrl = target.ServiceUrl,
            TenantId = target.TenantId,
            ConversationId = target.ConversationId,
            IsChannelPost = target.IsChannelPost,
        };
        var activity = await ActivityAsync(input, [], ct);
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            db.Add(summary);
            outbox.Enqueue(db, target.IsChannelPost
                ? OutboxRequest.ChannelPost(target.ServiceUrl, target.TenantId, target.ConversationId, activity, summary.CardId)
                : OutboxRequest.Send(target.ServiceUrl, target.TenantId, target.ConversationId, activity));
            await db.SaveChangesAsync(ct);
        }

        SummariesLog.Posted(logger, id, SummaryPeriods.Label(period), trigger, target.ConversationId);
        if (toLeadership)
        {
            notes.Add(await MailAsync(summary, input, ct));
        }

        return new SummaryOutcome(summary, input, notes);
    }

    /// <summary>Records <paramref name="userId"/>'s acknowledgement (once per user) and returns the re-rendered card; null when the summary is unknown.</summary>
    public async Task<(JsonElement Card, bool Added)?> AcknowledgeAsync(string summaryId, string userId, string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var summary = await db.Set<StoredSummary>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == summaryId, ct);
        if (summary is null)
        {
            return null;
        }

        var added = false;
        if (!await db.Set<SummaryAcknowledgementRecord>().AnyAsync(a => a.SummaryId == summaryId && a.UserId == userId, ct))
        {
            db.Add(new SummaryAcknowledgementRecord { SummaryId = summaryId, UserId = userId, Name = string.IsNullOrWhiteSpace(name) ? userId : name.Trim(), At = time.GetUtcNow() });
            added = true;
        }

        var acks = await AcknowledgementsAsync(db, summaryId, ct);
        if (added)
        {
            acks = [.. acks, new Acknowledgement(string.IsNullOrWhiteSpace(name) ? userId : name.Trim(), Local(time.GetUtcNow()))];
        }

        var input = Read(summary);
        var activity = await ActivityAsync(input, acks, ct);
        if (added)
        {
            if (summary.IsChannelPost)
            {
                // Everyone else sees the list through the stored post; the clicker gets the same card in the invoke response.
                outbox.Enqueue(db, OutboxRequest.UpdateCard(summary.ServiceUrl, summary.TenantId, summary.ConversationId, summary.CardId, activity));
            }

            try
            {
                await db.SaveChangesAsync(ct);
                SummariesLog.Acknowledged(logger, summaryId, userId);
            }
            catch (DbUpdateException)
            {
                // The same user acknowledged twice at once: the other request stored it (unique index); show the stored list.
                db.ChangeTracker.Clear();
                acks = await AcknowledgementsAsync(db, summaryId, ct);
                activity = await ActivityAsync(input, acks, ct);
                added = false;
            }
        }

        return (activity.Attachments![0].Content, added);
    }

    /// <summary>The current card of a summary (acknowledgements and a fresh chart URL); null when unknown.</summary>
    public async Task<JsonElement?> CardAsync(string summaryId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var summary = await db.Set<StoredSummary>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == summaryId, ct);
        if (summary is null)
        {
            return null;
        }

        var activity = await ActivityAsync(Read(summary), await AcknowledgementsAsync(db, summaryId, ct), ct);
        return activity.Attachments![0].Content;
    }

    public async Task<StoredSummary?> FindAsync(string summaryId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<StoredSummary>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == summaryId, ct);
    }

    public static LeadershipSummaryCardInput Read(StoredSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return JsonSerializer.Deserialize<LeadershipSummaryCardInput>(summary.InputJson, Json)
            ?? throw new InvalidOperationException($"Summary {summary.Id} has no card input.");
    }

    private async Task<string> MailAsync(StoredSummary summary, LeadershipSummaryCardInput input, CancellationToken ct)
    {
        byte[]? png = null;
        try
        {
            png = input.Volume.Count == 0 ? null : SummaryChartRenderer.RenderPng(input);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SummariesLog.ChartFailed(logger, summary.Id, ex);
        }

        var outcome = await mailer.SendAsync(input, png, ct);
        if (outcome.Sent)
        {
            SummariesLog.Mailed(logger, summary.Id, outcome.Recipients);
        }
        else if (outcome.Note.StartsWith("the e-mail copy failed", StringComparison.Ordinal))
        {
            SummariesLog.MailFailed(logger, summary.Id, outcome.Note);
        }
        else
        {
            SummariesLog.NoMail(logger, summary.Id, outcome.Note);
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<StoredSummary>().Where(s => s.Id == summary.Id).ExecuteUpdateAsync(
            s => s.SetProperty(x => x.MailNote, outcome.Sent ? null : outcome.Note).SetProperty(x => x.MailedAt, outcome.Sent ? time.GetUtcNow() : null), ct);
        return outcome.Note;
    }

    private async Task<IReadOnlyList<Acknowledgement>> AcknowledgementsAsync(CrisisDbContext db, string summaryId, CancellationToken ct)
    {
        var rows = await db.Set<SummaryAcknowledgementRecord>().AsNoTracking().Where(a => a.SummaryId == summaryId).OrderBy(a => a.Id).ToListAsync(ct);
        return [.. rows.Select(a => new Acknowledgement(a.Name, Local(a.At)))];
    }

    private DateTimeOffset Local(DateTimeOffset at) => SummaryTime.Local(at, builder.Zone);

    private async Task<OutgoingActivity> ActivityAsync(LeadershipSummaryCardInput input, IReadOnlyList<Acknowledgement> acks, CancellationToken ct)
    {
        var card = LeadershipSummaryCard.Build(input with
        {
            Acknowledgements = acks,
            ChartImageUrl = input.Volume.Count == 0 ? null : await signer.PublicUrlAsync(input.SummaryId, ct),
        });
        return OutgoingActivity.WithCard(CardJson.ToElement(card), $"Leadership summary ({input.PeriodLabel}): {input.Posts} posts, {input.Questions.Pending} questions pending");
    }
}
