using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Input of <see cref="DutyOfCareCard"/> (sent privately to one agent). <c>PostsHandled</c> null: not known (the shift sentence leaves it out).</summary>
public sealed record DutyOfCareCardInput(
    string PromptId,
    string AgentName,
    TimeSpan OnShift,
    int? PostsHandled,
    int AbusivePostsSeen,
    int SuggestedBreakMinutes)
{
    /// <summary>Crisis lead or coach to talk to.</summary>
    public string? LeadName { get; init; }
}

/// <summary>The duty-of-care break prompt: a break, a talk with a lead, or "not now".</summary>
public static class DutyOfCareCard
{
    public static AdaptiveCard Build(DutyOfCareCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.PromptId, nameof(input.PromptId));
        if (input.PostsHandled is { } handled)
        {
            NonNegative(handled, nameof(input.PostsHandled));
        }

        NonNegative(input.AbusivePostsSeen, nameof(input.AbusivePostsSeen));
        ArgumentOutOfRangeException.ThrowIfLessThan(input.SuggestedBreakMinutes, 5, nameof(input.SuggestedBreakMinutes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(input.SuggestedBreakMinutes, 120, nameof(input.SuggestedBreakMinutes));
        if (input.OnShift < TimeSpan.Zero)
        {
            throw new ArgumentException("OnShift cannot be negative.", nameof(input));
        }

        var name = Safe(input.AgentName, 60);
        var lead = string.IsNullOrWhiteSpace(input.LeadName) ? "a crisis lead" : Safe(input.LeadName, 60);
        var body = new List<CardElement>
        {
            Title(name.Length == 0 ? "Time for a break?" : $"Time for a break, {name}?"),
            Para(input.PostsHandled is { } posts
                ? $"You have been on shift for {Duration(input.OnShift)} and handled {Plural(posts, "post")}."
                : $"You have been on shift for {Duration(input.OnShift)}."),
        };

        if (input.AbusivePostsSeen > 0)
        {
            body.Add(Box(
                ContainerStyle.Warning,
                Para(input.PostsHandled is null
                    ? $"{Plural(input.AbusivePostsSeen, "post")} in the topics you are working on contained abuse. It is not about you, and you don't have to carry it alone."
                    : $"{Plural(input.AbusivePostsSeen, "post")} you handled contained abuse. It is not about you, and you don't have to carry it alone.")));
        }

        body.Add(Subtle($"Your queue is covered while you are away. Talking to {lead} is always fine, also in the middle of a crisis."));

        var minutes = input.SuggestedBreakMinutes;
        return new AdaptiveCard(body)
        {
            Actions =
            [
                Execute($"Take {minutes} minutes", CardVerbs.DutyTakeBreak, new TakeBreakData(input.PromptId, minutes)) with { Style = ActionStyle.Positive },
                new ActionShowCard(string.IsNullOrWhiteSpace(input.LeadName) ? "Talk to a lead" : $"Talk to {SafePlain(input.LeadName, 40)}", new AdaptiveCard([
                    new InputText(InputIds.SupportNote, "Anything you want them to know first? (optional)")
                    {
                        IsMultiline = true,
                        MaxLength = 500,
                    },
                    Buttons(Execute("Ask for a call", CardVerbs.DutyRequestSupport, new DutyOfCareData(input.PromptId))),
                ])),
                Execute("Not now", CardVerbs.DutyDismiss, new DutyOfCareData(input.PromptId)),
            ],
            FallbackText = $"Time for a break? You have been on shift for {Duration(input.OnShift)}.",
        };
    }
}
