using CrisisBot.Cards;
using CrisisBot.Cards.Templates;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.DutyOfCare;

/// <summary>
/// Duty of care: records when agents work on topics, counts the abusive posts that arrive in those topics while they do,
/// and queues a private break prompt after <c>Threshold</c> exposures within <c>Window</c> (at most one per
/// <c>Cooldown</c>). Every method runs inside the caller's transaction (expert loop or ingest batch) and only adds rows.
/// </summary>
/// <remarks>
/// Definitions. An agent <b>works on</b> topic T at time t when they asked or joined a question linked to T, or clicked
/// "I used this" on an answer of such a question, at some time e with t − <c>WorkWindow</c> ≤ e ≤ t (each action opens
/// or extends the window). An <b>exposure</b> is one abusive post (abuse lexicon flag) that arrives, i.e. is ingested,
/// in T (or a topic merged into T) while the agent works on T. Arrival time, not the post's createdAt, is what counts:
/// it is when the agent can see the post. Posts are found through a cursor on <c>HotTopicPosts.Seq</c>, so each is
/// examined once.
/// </remarks>
public sealed class CareTracker(ICrisisState crisis, IOutbox outbox, IOptionsMonitor<DutyOfCareOptions> options, TimeProvider time, ILogger<CareTracker> logger)
{
    /// <summary>Records an ask, join or "I used this" on a topic (ignored without a parsable topic id or when disabled).</summary>
    public async Task RecordEngagementAsync(
        CrisisDbContext db, ExpertLoopAgent agent, string? topicId, string productKey, CareEngagementKind kind, long? questionId, long? entryId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(agent);
        if (!options.CurrentValue.Enabled || !TopicCardRenderer.TryParseTopicId(topicId, out var topic) || string.IsNullOrWhiteSpace(agent.UserId))
        {
            return;
        }

        await EnsureCursorAsync(db, ct);
        var active = await crisis.GetActiveAsync(ct);
        db.Add(new CareEngagement
        {
            AgentId = Clip(agent.Id, 256),
            UserId = Clip(agent.UserId, 256),
            Name = Clip(agent.Name, 256),
            ServiceUrl = Clip(agent.ServiceUrl, 512),
            TenantId = Clip(agent.TenantId, 128),
            TopicId = topic,
            ProductKey = Clip(productKey, 64),
            Kind = kind,
            QuestionId = questionId,
            EntryId = entryId,
            CrisisId = active?.Covers(productKey) == true ? active.Id : null,
            At = time.GetUtcNow(),
        });
        CareLog.Engaged(logger, kind.ToString(), topic);
    }

    /// <summary>
    /// Called inside an ingest batch's transaction after its posts are inserted: turns the new abusive posts into exposures
    /// of the agents working on their topics and queues break prompts. Returns the number of exposures added.
    /// </summary>
    public async Task<int> OnPostsArrivedAsync(CrisisDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var maxSeq = await db.Set<StoredPost>().MaxAsync(p => (long?)p.Seq, ct) ?? 0;
        var cursor = await db.Set<CareCursor>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == 1, ct);
        if (cursor is null)
        {
            // Nobody has worked on a topic yet (the first engagement creates the cursor): nothing to count.
            await EnsureCursorAsync(db, ct);
            return 0;
        }

        if (maxSeq <= cursor.LastSeq)
        {
            return 0;
        }

        var last = cursor.LastSeq;
        await db.Database.ExecuteSqlRawAsync("""UPDATE "CareCursor" SET "LastSeq" = {0} WHERE "Id" = 1 AND "LastSeq" < {0}""", [maxSeq], ct);
        var opts = options.CurrentValue;
        if (!opts.Enabled)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var workingSince = now - opts.WorkWindow;
        var working = await db.Set<CareEngagement>().AsNoTracking().Where(e => e.At >= workingSince).ToListAsync(ct);
        if (working.Count == 0)
        {
            return 0;
        }

        var posts = await db.Set<StoredPost>().AsNoTracking()
            .Where(p => p.Seq > last && p.Seq <= maxSeq && p.Abusive && p.TopicId != null)
            .OrderBy(p => p.Seq)
            .Select(p => new { p.Seq, TopicId = p.TopicId!.Value, p.Product })
            .ToListAsync(ct);
        if (posts.Count == 0)
        {
            return 0;
        }

        // Two instances ingesting at once could both examine a post; never count it twice.
        var seqs = posts.Select(p => p.Seq).ToList();
        var counted = (await db.Set<CareExposure>().AsNoTracking().Where(e => seqs.Contains(e.PostSeq)).Select(e => new { e.AgentId, e.PostSeq }).ToListAsync(ct))
            .Select(e => (e.AgentId, e.PostSeq)).ToHashSet();

        var topicIds = posts.Select(p => p.TopicId).Concat(working.Select(w => w.TopicId)).Distinct().ToList();
        var merged = await db.Set<StoredTopic>().AsNoTracking()
            .Where(t => topicIds.Contains(t.Id) && t.MergedInto != null)
            .Select(t => new { t.Id, Into = t.MergedInto!.Value })
            .ToDictionaryAsync(t => t.Id, t => t.Into, ct);
        int Canonical(int id) => merged.TryGetValue(id, out var into) ? into : id;

        // Agents per (canonical) topic, and each agent's latest engagement (where to reach them).
        var agentsByTopic = working.GroupBy(w => Canonical(w.TopicId)).ToDictionary(g => g.Key, g => g.Select(w => w.AgentId).Distinct(StringComparer.Ordinal).ToList());
        var latest = working.GroupBy(w => w.AgentId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.MaxBy(w => w.At)!, StringComparer.Ordinal);
        var active = await crisis.GetActiveAsync(ct);
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var post in posts)
        {
            var topic = Canonical(post.TopicId);
            if (!agentsByTopic.TryGetValue(topic, out var agents))
            {
                continue;
            }

            foreach (var agentId in agents.Where(a => !counted.Contains((a, post.Seq))))
            {
                db.Add(new CareExposure
                {
                    AgentId = agentId,
                    PostSeq = post.Seq,
                    TopicId = topic,
                    CrisisId = active?.Covers(post.Product) == true ? active.Id : null,
                    At = now,
                });
                added[agentId] = added.GetValueOrDefault(agentId) + 1;
            }
        }

        var total = 0;
        foreach (var (agentId, count) in added)
        {
            total += count;
            var windowStart = now - opts.Window;
            var recent = await db.Set<CareExposure>().CountAsync(e => e.AgentId == agentId && e.At > windowStart, ct) + count;
            if (recent < opts.Threshold)
            {
                continue;
            }

            var cooldownStart = now - opts.Cooldown;
            if (await db.Set<CarePrompt>().AnyAsync(p => p.AgentId == agentId && p.SentAt > cooldownStart, ct))
            {
                CareLog.CoolingDown(logger, recent);
                continue;
            }

            await PromptAsync(db, latest[agentId], recent, active, now, ct);
        }

        return total;
    }

    private async Task PromptAsync(CrisisDbContext db, CareEngagement agent, int exposures, ActiveCrisis? active, DateTimeOffset now, CancellationToken ct)
    {
        var opts = options.CurrentValue;
        var since = now.AddHours(-24);
        var times = await db.Set<CareEngagement>().AsNoTracking()
            .Where(e => e.AgentId == agent.AgentId && e.At >= since)
            .OrderByDescending(e => e.At)
            .Select(e => e.At)
            .ToListAsync(ct);

        // On shift since the first action of the current unbroken run (gaps no longer than the work window).
        var shiftStart = times.Count == 0 ? now : times[0];
        foreach (var t in times.Skip(1))
        {
            if (shiftStart - t > opts.WorkWindow)
            {
                break;
            }

            shiftStart = t;
        }

        string? lead = null;
        if (active is not null)
        {
            lead = await db.Set<CrisisRoleAssignment>().AsNoTracking()
                .Where(r => r.CrisisId == active.Id && r.Role == CrisisRole.Lead && r.RemovedAt == null)
                .OrderBy(r => r.Id)
                .Select(r => r.Name)
                .FirstOrDefaultAsync(ct);
        }

        var key = Guid.NewGuid().ToString("N");
        var card = DutyOfCareCard.Build(new DutyOfCareCardInput(key, agent.Name, now - shiftStart, null, exposures, opts.SuggestedBreakMinutes)
        {
            LeadName = lead,
        });
        outbox.Enqueue(db, OutboxRequest.NotifyPerson(agent.ServiceUrl, agent.TenantId, agent.UserId, OutgoingActivity.WithCard(CardJson.ToElement(card), "Time for a break?")));
        db.Add(new CarePrompt
        {
            Key = key,
            AgentId = agent.AgentId,
            UserId = agent.UserId,
            Name = agent.Name,
            CrisisId = active?.Id,
            SentAt = now,
            Exposures = exposures,
            Answer = CareAnswer.None,
        });
        CareLog.Prompted(logger, exposures);
    }

    /// <summary>Creates the cursor at the newest stored post if it does not exist (concurrent creators are fine).</summary>
    private static Task<int> EnsureCursorAsync(CrisisDbContext db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(
            """INSERT INTO "CareCursor" ("Id", "LastSeq") SELECT 1, COALESCE(MAX("Seq"), 0) FROM "HotTopicPosts" WHERE true ON CONFLICT ("Id") DO NOTHING""", ct);

    private static string Clip(string? text, int max)
    {
        var value = text?.Trim() ?? "";
        return value.Length <= max ? value : value[..max];
    }
}
