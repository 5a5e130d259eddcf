using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Templates;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Protocol.Activities;

namespace CrisisBot.Features.Experts;

/// <summary>Everything a question card needs besides the question itself.</summary>
internal sealed record QuestionCardContext(
    ProductDefinition Product,
    IReadOnlyList<QuestionWaiter> Waiters,
    IReadOnlyList<Person> Owners,
    IReadOnlyList<string> RefreshUserIds);

/// <summary>Maps the expert loop's state onto the card templates and returns validated card JSON.</summary>
public sealed class ExpertCards(TimeProvider time)
{
    internal JsonElement Question(ExpertQuestion q, QuestionCardContext context, bool ownerView, AnswerDraft? draft = null, string? error = null)
    {
        var now = time.GetUtcNow();
        var sla = SlaOf(q, now);
        var owner = ownerView && q.Status == QuestionStatus.Open;
        var input = new QuestionCardInput(
            q.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            q.TopicId ?? "none",
            q.TopicTitle ?? "",
            context.Product.DisplayName,
            q.Text,
            context.Waiters.Select(w => w.Name).ToArray(),
            q.DueAt,
            sla,
            context.Owners,
            owner ? QuestionViewer.Owner : QuestionViewer.Others,
            now)
        {
            Status = StatusText(q, context),
            Draft = draft,
            Error = error,
            ChangesRequested = q.ChangesRequested,
            RefreshUserIds = context.RefreshUserIds,
        };
        return CardJson.ToElement(QuestionCard.Build(input));
    }

    internal static SlaState SlaOf(ExpertQuestion q, DateTimeOffset now)
    {
        if (q.Status != QuestionStatus.Open)
        {
            return SlaState.Answered;
        }

        if (now >= q.DueAt)
        {
            return SlaState.Overdue;
        }

        var half = q.RoundStartedAt + ((q.DueAt - q.RoundStartedAt) / 2);
        return now >= half ? SlaState.DueSoon : SlaState.OnTrack;
    }

    private static string StatusText(ExpertQuestion q, QuestionCardContext context) => q.Status switch
    {
        QuestionStatus.Open when !string.IsNullOrWhiteSpace(q.ChangesRequested) => "Sent back to the owners: " + q.ChangesRequested,
        QuestionStatus.Open => "Waiting for the product owners to answer.",
        QuestionStatus.InReview => $"Answered; in review: {StepLabel(context.Product, q.ApprovalStep)}.",
        QuestionStatus.Approved => $"Approved and delivered to {context.Waiters.Count} waiting agent(s).",
        _ => q.Status.ToString(),
    };

    internal static string StepLabel(ProductDefinition product, int step) =>
        step < product.ApprovalSteps.Count
            ? $"{product.ApprovalSteps[step].Name} ({step + 1} of {product.ApprovalSteps.Count})"
            : "approval";

    internal JsonElement Review(
        ExpertQuestion q,
        ProductDefinition product,
        ExpertAnswer answer,
        ExpertAnswer? previous,
        IReadOnlyList<Person> approvers,
        bool approverView,
        string? outcome = null)
    {
        var input = new AnswerReviewCardInput(
            answer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            answer.Version,
            product.DisplayName,
            q.Text,
            answer.Facts,
            answer.CustomerReply,
            answer.ShortReply,
            answer.AuthorName,
            answer.CreatedAt,
            approvers,
            approverView && outcome is null ? ReviewViewer.Approver : ReviewViewer.Others,
            time.GetUtcNow())
        {
            Previous = previous is null ? null : new PreviousAnswer(previous.Version, previous.CustomerReply, previous.ShortReply),
            InternalNote = answer.InternalNote,
            Decisions = q.Decisions.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Step = outcome is null ? StepLabel(product, q.ApprovalStep) : null,
            Outcome = outcome,
        };
        return CardJson.ToElement(AnswerReviewCard.Build(input));
    }

    internal static JsonElement Approved(LibraryEntry entry) =>
        CardJson.ToElement(ApprovedAnswerCard.Build(new ApprovedAnswerCardInput(
            entry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            entry.ProductName,
            entry.Question,
            entry.CustomerReply,
            entry.ShortReply,
            entry.ApprovedBy,
            entry.ApprovedAt)
        {
            ReviewBy = entry.ReviewBy,
            UsedCount = entry.UsedCount,
        }));

    internal static JsonElement Superseded(LibraryEntry old, LibraryEntry replacement, string reason, string changedBy) =>
        CardJson.ToElement(SupersededAnswerCard.Build(new SupersededAnswerCardInput(
            old.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            replacement.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            replacement.ProductName,
            replacement.Question,
            old.CustomerReply,
            replacement.CustomerReply,
            replacement.ShortReply,
            reason,
            changedBy,
            replacement.ApprovedAt)));

    internal JsonElement Reminder(ExpertQuestion q, ProductDefinition product, SlaReminderKind kind, IReadOnlyList<Person> owners, IReadOnlyList<Person> deputies, int waiting) =>
        CardJson.ToElement(SlaReminderCard.Build(new SlaReminderCardInput(
            q.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            product.DisplayName,
            q.Text,
            kind,
            q.DueAt,
            time.GetUtcNow(),
            owners,
            waiting)
        {
            Deputies = deputies,
            RemindersSent = q.RemindersSent,
        }));

    internal JsonElement Search(string query, IReadOnlyList<LibraryEntry> results, int total, IReadOnlyList<string> products, string? productFilter) =>
        CardJson.ToElement(LibrarySearchCard.Build(new LibrarySearchCardInput(
            query,
            results.Select(e => new LibraryResult(
                e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{e.ProductName} · v{e.Version}",
                e.Question,
                e.ShortReply,
                e.ReviewBy)).ToArray(),
            products,
            time.GetUtcNow())
        {
            ProductFilter = productFilter,
            TotalMatches = total,
        }));

    internal JsonElement LibraryReview(LibraryEntry entry, IReadOnlyList<Person> owners, int recipients, string? outcome = null) =>
        CardJson.ToElement(LibraryReviewCard.Build(new LibraryReviewCardInput(
            entry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            entry.Version,
            entry.ProductName,
            entry.Question,
            entry.CustomerReply,
            entry.ShortReply,
            entry.ReviewBy,
            owners,
            time.GetUtcNow())
        {
            Recipients = recipients,
            Outcome = outcome,
        }));

    internal static JsonElement AskForm(IEnumerable<ProductDefinition> products, string? topicId, string? topicTitle, string? product, string? question, string? error = null) =>
        CardJson.ToElement(AskQuestionCard.Build(new AskQuestionCardInput(products.Select(p => new ProductChoice(p.Key, p.DisplayName)).ToArray())
        {
            TopicId = topicId,
            TopicTitle = topicTitle,
            Product = product,
            Question = question,
            Error = error,
        }));

    internal static OutgoingActivity Activity(JsonElement card, string summary) => OutgoingActivity.WithCard(card, summary);
}
