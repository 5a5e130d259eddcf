using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Input of <see cref="CrisisDeclaredCard"/>.</summary>
public sealed record CrisisDeclaredCardInput(
    string CrisisId,
    string Name,
    string Reason,
    string DeclaredBy,
    DateTimeOffset DeclaredAt,
    IReadOnlyList<string> Products,
    IReadOnlyList<Person> Leads,
    TimeSpan ExpertSla,
    TimeSpan UpdateEvery)
{
    /// <summary>Link to the war-room channel (https), once created.</summary>
    public Uri? WarRoomUrl { get; init; }

    /// <summary>What changed in crisis mode, e.g. "Spike threshold ×3 → ×2".</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>Team load since the declaration (duty of care), shown to the crisis lead on the status view; null: not shown.</summary>
    public string? TeamLoad { get; init; }

    /// <summary>Users whose client refreshes the card automatically (at most 60 kept).</summary>
    public IReadOnlyList<string> RefreshUserIds { get; init; } = [];
}

/// <summary>Announces a declared crisis: why, scope, leads, SLAs, war room, and Stand down (reason required).</summary>
public static class CrisisDeclaredCard
{
    public const int MaxChanges = 8;

    public static AdaptiveCard Build(CrisisDeclaredCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.CrisisId, nameof(input.CrisisId));
        Required(input.Name, nameof(input.Name));
        Required(input.Reason, nameof(input.Reason));
        List(input.Products, nameof(input.Products));
        List(input.Leads, nameof(input.Leads));
        List(input.Changes, nameof(input.Changes));
        if (input.ExpertSla <= TimeSpan.Zero || input.UpdateEvery <= TimeSpan.Zero)
        {
            throw new ArgumentException("ExpertSla and UpdateEvery must be positive.", nameof(input));
        }

        if (input.WarRoomUrl is { } url && (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("WarRoomUrl must be an absolute https URL.", nameof(input));
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static (string Title, string Value)[] FactList(CrisisDeclaredCardInput input, string[] products, string leads)
    {
        var facts = new List<(string Title, string Value)>
        {
            ("Declared", $"{Safe(input.DeclaredBy, 60)}, {Time(input.DeclaredAt)}"),
            ("Products", products.Length == 0 ? "all" : string.Join(", ", products)),
            ("Crisis leads", leads),
            ("Expert answers due within", Duration(input.ExpertSla)),
            ("Status updates", "every " + Duration(input.UpdateEvery)),
        };
        if (!string.IsNullOrWhiteSpace(input.TeamLoad))
        {
            facts.Add(("Team load", Safe(input.TeamLoad, 400)));
        }

        return [.. facts];
    }

    private static AdaptiveCard Render(CrisisDeclaredCardInput input, int scale)
    {
        var (leads, mentions) = Mention(input.Leads);
        var products = input.Products.Where(p => !string.IsNullOrWhiteSpace(p)).Take(ScaledCount(20, scale)).Select(p => Safe(p, 60)).ToArray();
        var body = new List<CardElement>
        {
            Box(
                ContainerStyle.Attention,
                TitleWithState("Crisis declared", "Crisis mode", TextColor.Attention),
                new TextBlock(Safe(input.Name, 120)) { Size = TextSize.Medium, Weight = TextWeight.Bolder, Wrap = true }),
            Para(Safe(input.Reason, Scaled(CardParts.Sentence, scale))),
            Facts(FactList(input, products, leads)),
        };

        var changes = input.Changes.Where(c => !string.IsNullOrWhiteSpace(c)).Take(ScaledCount(MaxChanges, scale, 0)).ToArray();
        if (changes.Length > 0)
        {
            body.Add(Heading("What changes now"));
            body.AddRange(changes.Select(c => Para("• " + Safe(c, Scaled(200, scale)))));
        }

        var actions = new List<CardAction>();
        if (input.WarRoomUrl is { } warRoom)
        {
            actions.Add(new ActionOpenUrl("Open war room", warRoom));
        }

        actions.Add(new ActionShowCard("Stand down", new AdaptiveCard([
            new InputText(InputIds.StandDownReason, "Why is the crisis over?")
            {
                IsMultiline = true,
                IsRequired = true,
                ErrorMessage = "Give a reason; it goes into the stand-down report.",
                MaxLength = 1000,
            },
            new InputText(InputIds.Lessons, "Highlights and lessons (one per line, optional)")
            {
                IsMultiline = true,
                MaxLength = 4000,
            },
            Buttons(Execute("Stand down and report", CardVerbs.CrisisStandDown, new StandDownData(input.CrisisId)) with { Style = ActionStyle.Destructive }),
        ])));

        return new AdaptiveCard(body)
        {
            Actions = actions,
            Refresh = Refresh(Execute("Refresh", CardVerbs.CrisisRefresh, new CrisisActionData(input.CrisisId)), input.RefreshUserIds),
            MsTeams = TeamsCardProperties.FullWidth(mentions),
            FallbackText = $"Crisis declared: {Plain(input.Name, 120)}.",
        };
    }
}
