using CrisisBot.Cards.Actions;
using CrisisBot.Features.Channels;
using CrisisBot.Features.Experts;
using CrisisBot.Features.Faq;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Features.Experts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static CrisisBot.Tests.Features.Experts.ExpertTestHost;

namespace CrisisBot.Tests.Features.Faq;

/// <summary>The expert-loop test host plus the FAQ feature (configured by <c>Faq:*</c> settings) and an admin.</summary>
internal static class FaqTestHost
{
    public static readonly TestUser Alice = new("29:1alice-admin", "Alice Admin", "aaaaaaaa-0000-4000-8000-000000000001");

    public static Task<ExpertTestHost> StartAsync(string? postgres, IDictionary<string, string?>? faq = null, DateTimeOffset? now = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(faq ?? new Dictionary<string, string?>()).Build();
        return StartOnAsync(Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N")), postgres, services =>
        {
            services.AddFaqFeature(configuration);
            services.Configure<ChannelsOptions>(o => o.Admins.Add(Alice.Aad));
        }, link: true, now);
    }

    /// <summary>Bob asks a Mail question (no approvers) and Carol answers: approved at once. Returns the question id.</summary>
    public static async Task<long> ApprovedMailAnswerAsync(this ExpertTestHost h, string question, string reply, bool addToFaq = true)
    {
        await h.CommandAsync(Bob, "ask mail " + question);
        long id;
        await using (var db = await h.DbAsync())
        {
            id = await db.Set<ExpertQuestion>().Where(q => q.Text == question).Select(q => q.Id).SingleAsync();
        }

        var response = await h.InvokeAsync(Carol, CardVerbs.QuestionSubmitAnswer, new SubmitAnswerData(Id(id)), new Dictionary<string, object?>
        {
            [InputIds.Facts] = "Facts for the experts.",
            [InputIds.CustomerReply] = reply,
            [InputIds.ShortReply] = reply.Length <= 280 ? reply : reply[..280],
            [InputIds.AddToFaq] = addToFaq ? "true" : "false",
            [InputIds.InternalNote] = "",
        });
        Assert.Equal(ContentTypes.AdaptiveCard, response.Type);
        return id;
    }

    public static async Task<LibraryEntry> ActiveEntryAsync(this ExpertTestHost h, long questionId)
    {
        await using var db = await h.DbAsync();
        return await db.Set<LibraryEntry>().AsNoTracking().SingleAsync(e => e.QuestionId == questionId && e.Status == LibraryEntryStatus.Active);
    }

    public static async Task<IReadOnlyList<FaqVersion>> VersionsAsync(this ExpertTestHost h)
    {
        await using var db = await h.DbAsync();
        return await db.Set<FaqVersion>().AsNoTracking().Include(v => v.Entries).OrderBy(v => v.Number).ToListAsync();
    }

    public static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
