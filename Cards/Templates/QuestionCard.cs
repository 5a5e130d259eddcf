using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Who is looking at a question card.</summary>
public enum QuestionViewer
{
    /// <summary>Everyone but the product owners: status only.</summary>
    Others = 0,

    /// <summary>A product owner/expert: the answer form.</summary>
    Owner = 1,
}

/// <summary>Internal deadline state of a question.</summary>
public enum SlaState
{
    OnTrack = 0,
    DueSoon = 1,
    Overdue = 2,
    Answered = 3,
}

/// <summary>Input of <see cref="QuestionCard"/>.</summary>
/// <param name="QuestionId">Question id (action data).</param>
/// <param name="TopicId">Topic the question is about.</param>
/// <param name="TopicTitle">Topic title (untrusted).</param>
/// <param name="Product">Product display name.</param>
/// <param name="Question">The question (from an agent, so untrusted).</param>
/// <param name="AskingAgents">Display names of the agents waiting for the answer.</param>
/// <param name="DueAt">Internal expert deadline.</param>
/// <param name="Sla">Deadline state.</param>
/// <param name="Owners">Product owners, @mentioned.</param>
/// <param name="Viewer">Which view to build.</param>
/// <param name="GeneratedAt">When the card was built (for "due in …").</param>
public sealed record QuestionCardInput(
    string QuestionId,
    string TopicId,
    string TopicTitle,
    string Product,
    string Question,
    IReadOnlyList<string> AskingAgents,
    DateTimeOffset DueAt,
    SlaState Sla,
    IReadOnlyList<Person> Owners,
    QuestionViewer Viewer,
    DateTimeOffset GeneratedAt)
{
    /// <summary>Deep link to the topic card (https), if known.</summary>
    public Uri? TopicLink { get; init; }

    /// <summary>Status line for everyone, e.g. "In review by Legal". Defaults from <see cref="Sla"/>.</summary>
    public string? Status { get; init; }

    /// <summary>Values to pre-fill the owner's form with (a draft or an answer sent back for changes).</summary>
    public AnswerDraft? Draft { get; init; }

    /// <summary>Why the previous answer was sent back, shown to owners.</summary>
    public string? ChangesRequested { get; init; }

    /// <summary>Why the owner's last submission was refused (validation); shown above the re-shown form.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Users whose client fetches their own view automatically (owners and deputies, as Teams user ids where known);
    /// null means the owners' ids. At most 60 are kept.
    /// </summary>
    public IReadOnlyList<string>? RefreshUserIds { get; init; }
}

/// <summary>Pre-filled values of the answer form.</summary>
public sealed record AnswerDraft(string? Facts, string? CustomerReply, string? ShortReply, bool AddToFaq = true, string? InternalNote = null);

/// <summary>
/// The question card in a product channel. Owners get the answer form (facts, customer reply, a short variant of at
/// most 280 characters, "add to FAQ", internal note); everyone else sees the status. The card's refresh lists the
/// owners, so their clients fetch the owner view automatically.
/// </summary>
public static class QuestionCard
{
    public static AdaptiveCard Build(QuestionCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.QuestionId, nameof(input.QuestionId));
        Required(input.TopicId, nameof(input.TopicId));
        Required(input.Question, nameof(input.Question));
        Required(input.Product, nameof(input.Product));
        List(input.AskingAgents, nameof(input.AskingAgents));
        List(input.Owners, nameof(input.Owners));
        if (input.TopicLink is { } link && (!link.IsAbsoluteUri || link.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("TopicLink must be an absolute https URL.", nameof(input));
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    internal static (string Text, TextColor Color) SlaLabel(SlaState sla, DateTimeOffset dueAt, DateTimeOffset now) => sla switch
    {
        SlaState.OnTrack => ($"Due {Time(dueAt)} ({Relative(dueAt, now)})", TextColor.Default),
        SlaState.DueSoon => ($"Due soon: {Time(dueAt)} ({Relative(dueAt, now)})", TextColor.Warning),
        SlaState.Overdue => ($"Overdue since {Time(dueAt)} ({Duration(now - dueAt)})", TextColor.Attention),
        SlaState.Answered => ("Answered", TextColor.Good),
        _ => throw new ArgumentOutOfRangeException(nameof(sla), sla, "Unknown SLA state."),
    };

    private static AdaptiveCard Render(QuestionCardInput input, int scale)
    {
        var (ownersText, mentions) = Mention(input.Owners);
        var (slaText, slaColor) = SlaLabel(input.Sla, input.DueAt, input.GeneratedAt);
        var topic = Safe(input.TopicTitle, Scaled(CardParts.Label, scale));
        var topicText = input.TopicLink is { } link && topic.Length > 0 ? $"[{topic}]({link.AbsoluteUri})" : topic;
        var body = new List<CardElement>
        {
            Subtle($"Question · {Safe(input.Product, 60)}"),
            Title(Safe(input.Question, Scaled(CardParts.Sentence, scale))),
            Facts(
                ("Topic", topicText.Length > 0 ? topicText : "-"),
                ("Asked by", Names(input.AskingAgents)),
                ("Waiting", Plural(input.AskingAgents.Count, "agent")),
                ("Owners", ownersText)),
            Colored(slaText, slaColor),
        };

        if (input.Viewer == QuestionViewer.Owner && input.Sla != SlaState.Answered)
        {
            if (!string.IsNullOrWhiteSpace(input.ChangesRequested))
            {
                body.Add(Box(ContainerStyle.Warning, Colored("Changes requested", TextColor.Default), Para(Safe(input.ChangesRequested, Scaled(CardParts.Sentence, scale)))));
            }

            if (!string.IsNullOrWhiteSpace(input.Error))
            {
                body.Add(Box(ContainerStyle.Attention, Colored(Safe(input.Error, CardParts.Sentence), TextColor.Attention)));
            }

            body.AddRange(AnswerForm(input.QuestionId, input.Draft, scale));
        }
        else
        {
            var status = string.IsNullOrWhiteSpace(input.Status)
                ? input.Sla == SlaState.Answered ? "An approved answer is on its way to the waiting agents." : "Waiting for the product owners to answer."
                : Safe(input.Status, CardParts.Sentence);
            body.Add(Box(ContainerStyle.Emphasis, Para(status)));
        }

        var refresh = Execute("Refresh", CardVerbs.QuestionRefresh, new QuestionActionData(input.QuestionId));
        return new AdaptiveCard(body)
        {
            Refresh = Refresh(refresh, input.RefreshUserIds ?? input.Owners.Select(o => o.UserId).ToArray()),
            MsTeams = TeamsCardProperties.FullWidth(mentions),
            FallbackText = $"Question ({Plain(input.Product, 60)}): {Plain(input.Question, 200)}",
        };
    }

    /// <summary>The owner's answer form and its submit button (also used by the SLA reminder's "Answer now").</summary>
    internal static IEnumerable<CardElement> AnswerForm(string questionId, AnswerDraft? draft, int scale = 100)
    {
        foreach (var field in AnswerFields(draft, scale))
        {
            yield return field;
        }

        yield return Buttons(Execute("Send for approval", CardVerbs.QuestionSubmitAnswer, new SubmitAnswerData(questionId)) with
        {
            Style = ActionStyle.Positive,
            AssociatedInputs = AssociatedInputs.Auto,
        });
    }

    /// <summary>The answer form's inputs without a button (the library's "Edit" adds its own).</summary>
    internal static IEnumerable<CardElement> AnswerFields(AnswerDraft? draft, int scale = 100)
    {
        yield return Heading("Your answer");
        yield return new InputText(InputIds.Facts, "Facts (internal, for approvers)")
        {
            IsMultiline = true,
            IsRequired = true,
            ErrorMessage = "Add the facts the reply is based on.",
            MaxLength = CardParts.Answer,
            Placeholder = "What is true, since when, and the source",
            Value = Prefill(draft?.Facts, scale),
        };
        yield return new InputText(InputIds.CustomerReply, "Customer reply")
        {
            IsMultiline = true,
            IsRequired = true,
            ErrorMessage = "Write the reply agents will send to customers.",
            MaxLength = CardParts.Answer,
            Placeholder = "Ready to paste: friendly, in the brand voice",
            Value = Prefill(draft?.CustomerReply, scale),
        };
        yield return new InputText(InputIds.ShortReply, $"Short reply (at most {CardParts.ShortReply} characters)")
        {
            IsRequired = true,
            ErrorMessage = $"Write a short reply of at most {CardParts.ShortReply} characters.",
            MaxLength = CardParts.ShortReply,
            Placeholder = "For X and other short-post channels",
            Value = Prefill(draft?.ShortReply, scale, CardParts.ShortReply),
        };
        yield return Subtle($"The box stops at {CardParts.ShortReply} characters, so it always fits one post.");
        yield return new InputToggle(InputIds.AddToFaq, "FAQ", "Add to the public FAQ")
        {
            Value = draft is null || draft.AddToFaq ? "true" : "false",
            ValueOn = "true",
            ValueOff = "false",
        };
        yield return new InputText(InputIds.InternalNote, "Internal note (optional)")
        {
            IsMultiline = true,
            MaxLength = 1000,
            Placeholder = "Caveats for approvers and agents; never sent to customers",
            Value = Prefill(draft?.InternalNote, scale, 1000),
        };
    }

    /// <summary>An input's value is shown verbatim (not markdown), so it is cleaned as plain text.</summary>
    private static string? Prefill(string? value, int scale, int max = CardParts.Answer) =>
        string.IsNullOrWhiteSpace(value) ? null : SafePlain(value, Scaled(max, scale));
}
