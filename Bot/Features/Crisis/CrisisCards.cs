using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Templates;
using CrisisBot.Features.HotTopics.Routing;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Crisis;

/// <summary>Maps crisis state onto the card templates and returns validated card JSON.</summary>
public sealed class CrisisCards(IOptionsMonitor<CrisisOptions> options, CrisisCatalog catalog, TimeProvider time)
{
    /// <param name="teamLoad">Duty-of-care team load for the lead's status view (the <c>crisis</c> command); null leaves it out.</param>
    public JsonElement Declared(CrisisRecord crisis, IReadOnlyList<CrisisRoleAssignment> roles, string? teamLoad = null)
    {
        ArgumentNullException.ThrowIfNull(crisis);
        ArgumentNullException.ThrowIfNull(roles);
        var products = catalog.InScope(crisis.Products);
        var leads = People(roles, CrisisRole.Lead);
        var changes = new List<string>();
        foreach (var product in products.Take(5))
        {
            changes.Add($"{product.DisplayName}: expert answers due within {product.Sla.Crisis} min (normally {product.Sla.Normal} min)");
        }

        changes.Add($"Status updates from the crisis lead every {crisis.UpdateCadenceHours} h");
        var comms = People(roles, CrisisRole.Comms);
        var approvers = People(roles, CrisisRole.Approver);
        if (comms.Count > 0)
        {
            changes.Add("Comms: " + string.Join(", ", comms.Select(p => p.Name)));
        }

        if (approvers.Count > 0)
        {
            changes.Add("Crisis approvers: " + string.Join(", ", approvers.Select(p => p.Name)));
        }

        Uri.TryCreate(crisis.WarRoomUrl, UriKind.Absolute, out var warRoom);
        var input = new CrisisDeclaredCardInput(
            crisis.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            crisis.Name,
            crisis.Reason,
            crisis.DeclaredByName ?? crisis.DeclaredById,
            crisis.DeclaredAt,
            crisis.Products.Count == 0 ? [] : [.. products.Select(p => p.DisplayName)],
            leads,
            ExpertSla(products),
            TimeSpan.FromHours(crisis.UpdateCadenceHours))
        {
            WarRoomUrl = warRoom?.Scheme == Uri.UriSchemeHttps ? warRoom : null,
            Changes = changes,
            TeamLoad = teamLoad,
            RefreshUserIds = [.. leads.Select(l => l.UserId)],
        };
        return CardJson.ToElement(CrisisDeclaredCard.Build(input));
    }

    public JsonElement Proposal(CrisisProposal proposal, IReadOnlyList<Person> leads, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        var state = proposal.Status switch
        {
            ProposalStatus.Confirmed => CrisisProposalState.Confirmed,
            ProposalStatus.Declined => CrisisProposalState.Declined,
            _ => CrisisProposalState.Pending,
        };
        return CardJson.ToElement(CrisisProposalCard.Build(new CrisisProposalCardInput(
            proposal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            proposal.TopicTitle,
            proposal.Product is { } product ? catalog.Find(product)?.DisplayName ?? product : "all products",
            proposal.ProposedByName ?? proposal.ProposedById,
            proposal.ProposedAt,
            state)
        {
            Leads = leads,
            DecidedBy = proposal.DecidedByName ?? proposal.DecidedById,
            DecidedAt = proposal.DecidedAt,
            Note = note,
        }));
    }

    public JsonElement StatusRequest(CrisisRecord crisis, int request, IReadOnlyList<CrisisRoleAssignment> roles, CrisisStatusUpdate? previous, CrisisStatusUpdate? submitted = null)
    {
        ArgumentNullException.ThrowIfNull(crisis);
        return CardJson.ToElement(StatusUpdateRequestCard.Build(new StatusUpdateRequestCardInput(
            crisis.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            crisis.Name,
            request,
            submitted?.At ?? time.GetUtcNow(),
            People(roles, CrisisRole.Lead),
            TimeSpan.FromHours(crisis.UpdateCadenceHours))
        {
            PreviousUpdate = previous?.Text,
            PreviousUpdateAt = previous?.At,
            SubmittedText = submitted?.Text,
            SubmittedBy = submitted is null ? null : submitted.AuthorName ?? submitted.AuthorId,
            SubmittedAt = submitted?.At,
        }));
    }

    public JsonElement Decisions(IReadOnlyList<CrisisDecision> open, IReadOnlyList<CrisisDecision> resolved, string? crisisName) =>
        CardJson.ToElement(DecisionsCard.Build(new DecisionsCardInput([.. open.Select(Item)], time.GetUtcNow())
        {
            CrisisName = crisisName,
            RecentlyResolved = [.. resolved.Select(Item)],
        }));

    public JsonElement StandDownForm(CrisisRecord crisis, int openDecisions)
    {
        ArgumentNullException.ThrowIfNull(crisis);
        return CardJson.ToElement(StandDownFormCard.Build(new StandDownFormCardInput(
            crisis.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), crisis.Name, crisis.DeclaredAt, time.GetUtcNow())
        {
            OpenDecisions = openDecisions,
        }));
    }

    public JsonElement Report(CrisisReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var crisis = report.Crisis;
        var volumes = report.Volumes;
        var questions = report.Questions;
        return CardJson.ToElement(StandDownReportCard.Build(new StandDownReportCardInput(
            crisis.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            crisis.Name,
            crisis.DeclaredAt,
            crisis.StoodDownAt ?? time.GetUtcNow(),
            crisis.StoodDownByName ?? crisis.StoodDownById ?? "",
            crisis.StandDownReason ?? "",
            volumes?.Posts ?? 0,
            volumes?.PeakHourPosts ?? 0,
            volumes?.Topics ?? 0,
            questions?.Questions ?? new SummaryQuestions(0, 0, 0, 0),
            questions?.Timings ?? new SummaryTimings(null, null, null),
            new SummaryFaqChanges(0, 0, 0))
        {
            VolumesRecorded = volumes is not null,
            VolumesNote = $"Counted as in the crisis export: {CrisisPostRule.Description}; peak = busiest hour (UTC) by createdAt.",
            Alarms = volumes?.Alarms,
            QuestionsRecorded = questions is not null,
            FaqRecorded = false,
            Lessons = SplitLessons(crisis.Lessons),
            Timeline = report.Timeline,
            OpenDecisions = [.. report.OpenDecisions.Select(d => d.Text)],
        }));
    }

    /// <summary>The lessons box, one lesson per non-empty line (bullets stripped).</summary>
    public static IReadOnlyList<string> SplitLessons(string? lessons) =>
        string.IsNullOrWhiteSpace(lessons)
            ? []
            : [.. lessons.Split('\n').Select(l => l.Trim().TrimStart('-', '*', '•').Trim()).Where(l => l.Length > 0)];

    public static IReadOnlyList<Person> People(IReadOnlyList<CrisisRoleAssignment> roles, CrisisRole role) =>
        [.. roles.Where(r => r.Role == role && r.RemovedAt is null).Select(r => new Person(r.TeamsUserId ?? r.UserId, r.Name ?? r.UserId))];

    private TimeSpan ExpertSla(IReadOnlyList<ProductDefinition> products) =>
        TimeSpan.FromMinutes(products.Count == 0 ? options.CurrentValue.DefaultCrisisSlaMinutes : products.Min(p => p.Sla.Crisis));

    private static DecisionItem Item(CrisisDecision d) =>
        new(d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Text, d.RaisedByName ?? d.RaisedById, d.RaisedAt)
        {
            ResolvedBy = d.ResolvedByName ?? d.ResolvedById,
            ResolvedAt = d.ResolvedAt,
        };
}

/// <summary>Everything the stand-down report shows.</summary>
public sealed record CrisisReport(
    CrisisRecord Crisis,
    CrisisVolumes? Volumes,
    CrisisQuestionStats? Questions,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<CrisisDecision> OpenDecisions);
