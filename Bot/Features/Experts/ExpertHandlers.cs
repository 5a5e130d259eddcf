using System.Globalization;
using CrisisBot.Cards;
using CrisisBot.Cards.Actions;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;

namespace CrisisBot.Features.Experts;

/// <summary>Text commands and card verbs of the expert loop, mapped onto <see cref="ExpertService"/> and <see cref="LibraryService"/>.</summary>
public sealed class ExpertHandlers(
    ExpertService experts,
    LibraryService library,
    ProductCatalog catalog,
    IOutbox outbox)
{
    public const string AskUsage = "ask <product> <question>";

    // ───────────── commands ─────────────

    /// <summary><c>ask &lt;product&gt; &lt;question&gt;</c>: personal chat or @mention in a channel.</summary>
    public async Task AskAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        var (product, question) = SplitProduct(command.Arguments);
        var result = await experts.AskAsync(turn.Activity, new AskRequest(product, question), ct);

        // Created/joined: the acknowledgement card is already queued in this conversation; the text says what happened.
        await turn.ReplyAsync(Plain(result.Message), ct);
    }

    /// <summary><c>find &lt;words&gt;</c>: top 5 approved replies.</summary>
    public async Task FindAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        if (ExpertText.SearchWords(command.Arguments).Count == 0)
        {
            await turn.ReplyAsync(Plain("Type words to search for: find <words>, e.g. 'find refund delay'."), ct);
            return;
        }

        var card = await library.SearchCardAsync(command.Arguments, null, ct);
        await turn.ReplyAsync(OutgoingActivity.WithCard(card, "Response library"), ct);
    }

    /// <summary><c>library &lt;product&gt;</c>: the product's approved replies.</summary>
    public async Task LibraryAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        var product = experts.FindProduct(command.Arguments);
        if (product is null)
        {
            var known = string.Join(", ", catalog.Products.Select(p => p.Key));
            await turn.ReplyAsync(Plain(string.IsNullOrWhiteSpace(command.Arguments)
                ? $"Say which product: library <product>. Products: {known}."
                : $"I don't know the product '{command.Arguments}'. Products: {known}."), ct);
            return;
        }

        await turn.ReplyAsync(OutgoingActivity.WithCard(await library.ListCardAsync(product, ct), $"Library: {product.DisplayName}"), ct);
    }

    /// <summary><c>supersede &lt;entry&gt;</c>: the "still correct?" card with Edit (replace through approval) and Retire; owners and approvers.</summary>
    public async Task SupersedeAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        var text = command.Arguments.TrimStart('#');
        if (!ExpertService.TryId(text, out var id))
        {
            await turn.ReplyAsync(Plain("Say which library answer: supersede <number> (the number is on the answer card's 'Open answer' results)."), ct);
            return;
        }

        var (allowed, card, message) = await library.ReviewCardForAsync(turn.Activity, id, ct);
        await turn.ReplyAsync(allowed ? OutgoingActivity.WithCard(card!.Value, "Replace a library answer") : Plain(message), ct);
    }

    // ───────────── card verbs ─────────────

    /// <summary><c>topic.askExpert</c>: joins the topic's open question, or puts the pre-filled ask form in the conversation.</summary>
    public async Task<InvokeResponse> AskFromTopicAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        if (!TryRead<AskExpertData>(action, out var data) || string.IsNullOrWhiteSpace(data.TopicId))
        {
            return InvokeResponse.Message("This card is missing its topic id.");
        }

        if (await experts.FindTopicQuestionIdAsync(data.TopicId, ct) is { } open)
        {
            var joined = await experts.JoinAsync(turn.Activity, open, ct);
            return InvokeResponse.Message(joined.Message);
        }

        var activity = turn.Activity;
        if (string.IsNullOrWhiteSpace(activity.ServiceUrl) || string.IsNullOrWhiteSpace(activity.Conversation?.Id))
        {
            return InvokeResponse.Message("I cannot tell where to put the question form.");
        }

        var form = ExpertCards.AskForm(catalog.Products, data.TopicId, data.TopicTitle, data.Product, data.TopicTitle);
        await outbox.EnqueueAsync(OutboxRequest.Send(activity.ServiceUrl, ExpertService.TenantOf(activity), activity.Conversation.Id,
            OutgoingActivity.WithCard(form, "Ask the product experts")), ct);
        return InvokeResponse.Message("The question form is below: check the product and the question, then press Ask.");
    }

    /// <summary><c>question.ask</c>: the ask form's submit. Refusals re-show the form with the message.</summary>
    public async Task<InvokeResponse> AskFromFormAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        if (!TryRead<AskQuestionData>(action, out var data))
        {
            return InvokeResponse.Message(BadData);
        }

        var result = await experts.AskAsync(turn.Activity, new AskRequest(data.Product, data.Question, data.TopicId, data.TopicTitle), ct);
        return result.Outcome == AskOutcome.Refused
            ? InvokeResponse.Card(ExpertCards.AskForm(catalog.Products, data.TopicId, data.TopicTitle, data.Product, data.Question, result.Message))
            : InvokeResponse.Message(result.Message);
    }

    public Task<InvokeResponse> JoinAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<QuestionActionData>(action, async data => ExpertService.TryId(data.QuestionId, out var id)
            ? InvokeResponse.Message((await experts.JoinAsync(Turn(turn).Activity, id, ct)).Message)
            : InvokeResponse.Message("This card is missing its question id."));

    public Task<InvokeResponse> RefreshQuestionAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<QuestionActionData>(action, data => ExpertService.TryId(data.QuestionId, out var id)
            ? experts.RefreshQuestionAsync(Turn(turn).Activity, id, ct)
            : Task.FromResult(InvokeResponse.Message("This card is missing its question id.")));

    public Task<InvokeResponse> SubmitAnswerAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<SubmitAnswerData>(action, data => experts.SubmitAnswerAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> RefreshReviewAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<AnswerReviewData>(action, data => experts.RefreshReviewAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> ApproveAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<ApproveAnswerData>(action, data => experts.ApproveAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> EditAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<EditAnswerData>(action, data => experts.EditAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> RequestChangesAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<RequestChangesData>(action, data => experts.RequestChangesAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> UsedAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<AnswerUsedData>(action, data => library.UsedAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> ReportProblemAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<ReportProblemData>(action, data => experts.ReportProblemAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> SupersededAckAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<SupersededAckData>(action, data => library.SupersededAckAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> SearchAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<LibrarySearchData>(action, async data => InvokeResponse.Card(await library.SearchCardAsync(data.Query ?? "", data.Product, ct)));

    public Task<InvokeResponse> OpenAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<LibraryOpenData>(action, data => library.OpenAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> SendToMeAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<LibraryOpenData>(action, data => library.SendToMeAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> ConfirmAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<LibraryEntryData>(action, data => library.ConfirmAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> RetireAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<LibraryRetireData>(action, data => library.RetireAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> ReplaceAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<LibrarySupersedeData>(action, data => library.SupersedeAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> SnoozeAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<SlaSnoozeData>(action, data => experts.SnoozeAsync(Turn(turn).Activity, data, ct));

    public Task<InvokeResponse> EscalateAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        With<QuestionActionData>(action, data => experts.EscalateNowAsync(Turn(turn).Activity, data, ct));

    // ───────────── helpers ─────────────

    /// <summary>
    /// Splits "<c>travel money</c> can I …" into product and question: the longest product display name or key at the start
    /// (case-insensitive), else the first word.
    /// </summary>
    internal (string? Product, string? Question) SplitProduct(string arguments)
    {
        var text = arguments.Trim();
        if (text.Length == 0)
        {
            return (null, null);
        }

        foreach (var name in catalog.Products.SelectMany(p => new[] { p.DisplayName, p.Key }).OrderByDescending(n => n.Length))
        {
            if (text.StartsWith(name, StringComparison.OrdinalIgnoreCase) && (text.Length == name.Length || !char.IsLetterOrDigit(text[name.Length])))
            {
                return (name, text[name.Length..].TrimStart(' ', ':', ',', '-').Trim());
            }
        }

        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (text, null) : (text[..space], text[(space + 1)..].Trim());
    }

    private const string BadData = "This card's data is not valid (an old or edited card); open the card again.";

    /// <summary>Reads the action data; malformed data (wrong types, not an object) is a clear message, never an error.</summary>
    private static Task<InvokeResponse> With<T>(CardAction action, Func<T, Task<InvokeResponse>> handle)
        where T : class =>
        TryRead<T>(action, out var data) ? handle(data) : Task.FromResult(InvokeResponse.Message(BadData));

    private static bool TryRead<T>(CardAction action, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? data)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            data = CardJson.ReadData<T>(action.Data);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            data = null;
            return false;
        }
    }

    private static TurnContext Turn(TurnContext turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        return turn;
    }

    private static OutgoingActivity Plain(string text) => new() { Text = text, TextFormat = "plain" };

    internal static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
