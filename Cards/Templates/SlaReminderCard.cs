using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

public enum SlaReminderKind
{
    /// <summary>To the owners, before or at the deadline.</summary>
    Reminder = 0,

    /// <summary>To the deputies, after the owners missed the deadline.</summary>
    Escalation = 1,

    /// <summary>To the crisis lead or leadership channel, long after the deadline (owners and deputies named).</summary>
    Leadership = 2,
}

/// <summary>Input of <see cref="SlaReminderCard"/>.</summary>
public sealed record SlaReminderCardInput(
    string QuestionId,
    string Product,
    string Question,
    SlaReminderKind Kind,
    DateTimeOffset DueAt,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<Person> Owners,
    int WaitingAgents)
{
    /// <summary>Deputies (mentioned on an escalation; offered as "hand to deputies" on a reminder).</summary>
    public IReadOnlyList<Person> Deputies { get; init; } = [];

    /// <summary>Times this question was already reminded.</summary>
    public int RemindersSent { get; init; }
}

/// <summary>SLA reminder (owners) or escalation (deputies) for an unanswered question, with "Answer now".</summary>
public static class SlaReminderCard
{
    public static AdaptiveCard Build(SlaReminderCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.QuestionId, nameof(input.QuestionId));
        Required(input.Question, nameof(input.Question));
        List(input.Owners, nameof(input.Owners));
        List(input.Deputies, nameof(input.Deputies));
        NonNegative(input.WaitingAgents, nameof(input.WaitingAgents));
        NonNegative(input.RemindersSent, nameof(input.RemindersSent));
        if (input.Kind == SlaReminderKind.Escalation && input.Deputies.Count == 0)
        {
            throw new ArgumentException("An escalation needs at least one deputy.", nameof(input));
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(SlaReminderCardInput input, int scale)
    {
        if (input.Kind == SlaReminderKind.Leadership)
        {
            return RenderLeadership(input, scale);
        }

        var escalation = input.Kind == SlaReminderKind.Escalation;
        var overdue = input.GeneratedAt >= input.DueAt;
        var (addressed, mentions) = Mention(escalation ? input.Deputies : input.Owners);
        var when = overdue ? $"overdue by {Duration(input.GeneratedAt - input.DueAt)}" : $"due {Relative(input.DueAt, input.GeneratedAt)}";
        var body = new List<CardElement>
        {
            Box(
                overdue ? ContainerStyle.Attention : ContainerStyle.Warning,
                Colored(escalation ? "Escalated: question unanswered" : "Reminder: question " + when, overdue ? TextColor.Attention : TextColor.Default),
                Para(escalation
                    ? $"{addressed}: the owners did not answer in time. You are their deputies, please answer or reassign."
                    : $"{addressed}: {Plural(input.WaitingAgents, "agent")} are waiting for this answer.")),
            Subtle($"Question · {Safe(input.Product, 60)}"),
            new TextBlock(Safe(input.Question, Scaled(CardParts.Sentence, scale))) { Weight = TextWeight.Bolder, Size = TextSize.Medium, Wrap = true },
            Facts(
                ("Due", $"{Time(input.DueAt)} ({when})"),
                ("Waiting", Plural(input.WaitingAgents, "agent")),
                ("Reminders sent", Num(input.RemindersSent))),
        };

        if (escalation)
        {
            body.Add(Subtle("Owners: " + Names(input.Owners.Select(o => o.Name).ToArray(), 5)));
        }

        var actions = new List<CardAction>
        {
            new ActionShowCard("Answer now", new AdaptiveCard([.. QuestionCard.AnswerForm(input.QuestionId, null, scale)])),
        };

        if (!escalation)
        {
            actions.Add(Execute("Snooze 15 min", CardVerbs.SlaSnooze, new SlaSnoozeData(input.QuestionId, 15)));
            if (input.Deputies.Count > 0)
            {
                actions.Add(Execute("Hand to deputies", CardVerbs.SlaEscalate, new QuestionActionData(input.QuestionId)));
            }
        }

        return new AdaptiveCard(body)
        {
            Actions = actions,
            MsTeams = TeamsCardProperties.FullWidth(mentions),
            FallbackText = escalation ? "Escalated question: " + Plain(input.Question, 200) : "Question " + when + ": " + Plain(input.Question, 200),
        };
    }

    private static AdaptiveCard RenderLeadership(SlaReminderCardInput input, int scale)
    {
        var late = Duration(input.GeneratedAt - input.DueAt);
        var body = new List<CardElement>
        {
            Box(
                ContainerStyle.Attention,
                Colored("Escalation: expert question still unanswered", TextColor.Attention),
                Para($"{Plural(input.WaitingAgents, "agent")} are waiting. The owners and deputies were reminded; the answer is {late} late.")),
            Subtle($"Question · {Safe(input.Product, 60)}"),
            new TextBlock(Safe(input.Question, Scaled(CardParts.Sentence, scale))) { Weight = TextWeight.Bolder, Size = TextSize.Medium, Wrap = true },
            Facts(
                ("Due", $"{Time(input.DueAt)} (overdue by {late})"),
                ("Owners", Names(input.Owners.Select(o => o.Name).ToArray(), 5)),
                ("Deputies", Names(input.Deputies.Select(o => o.Name).ToArray(), 5)),
                ("Reminders sent", Num(input.RemindersSent))),
            Para("Please find someone who can answer, or tell the agents what to say meanwhile."),
        };

        return new AdaptiveCard(body)
        {
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = "Escalation: unanswered question: " + Plain(input.Question, 200),
        };
    }
}
