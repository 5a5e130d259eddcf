using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrisisBot.Cards.Model;

/// <summary>Base of every action (button).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ActionExecute), "Action.Execute")]
[JsonDerivedType(typeof(ActionSubmit), "Action.Submit")]
[JsonDerivedType(typeof(ActionOpenUrl), "Action.OpenUrl")]
[JsonDerivedType(typeof(ActionShowCard), "Action.ShowCard")]
[JsonDerivedType(typeof(ActionToggleVisibility), "Action.ToggleVisibility")]
public abstract record CardAction
{
    protected CardAction(string title) => Title = title;

    [JsonPropertyOrder(-5)]
    public string Title { get; init => field = Guard.NotBlank(value, nameof(Title)); }

    public string? Id { get; init; }

    public ActionStyle? Style { get; init; }

    public ActionMode? Mode { get; init; }

    public string? Tooltip { get; init; }

    public bool? IsEnabled { get; init; }
}

/// <summary>
/// Universal Action: Teams sends an <c>adaptiveCard/action</c> invoke with <see cref="Verb"/> and
/// <see cref="Data"/> (plus the input values). The verb is required.
/// </summary>
public sealed record ActionExecute : CardAction
{
    public ActionExecute(string title, string verb)
        : base(title) => Verb = verb;

    [JsonPropertyOrder(-4)]
    public string Verb { get; init => field = Guard.NotBlank(value, nameof(Verb)); }

    /// <summary>Action data; build it with <see cref="CardJson.Data{T}(T)"/> from a record in Cards/Actions.</summary>
    public JsonElement? Data { get; init; }

    public AssociatedInputs? AssociatedInputs { get; init; }

    /// <summary>Action shown by clients without Universal Actions (see <see cref="WithSubmitFallback"/>).</summary>
    public CardAction? Fallback { get; init; }

    /// <summary>
    /// Returns this action with an Action.Submit fallback whose data carries the same fields plus <c>verb</c>,
    /// which is how the bot recognises a legacy submit (teams-protocol.md §5.4).
    /// </summary>
    public ActionExecute WithSubmitFallback()
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (Data is { ValueKind: JsonValueKind.Object } data)
        {
            foreach (var property in data.EnumerateObject())
            {
                fields[property.Name] = property.Value.Clone();
            }
        }

        fields["verb"] = JsonSerializer.SerializeToElement(Verb, CardJsonContext.Default.String);
        var submitData = JsonSerializer.SerializeToElement(fields, CardJsonContext.Default.DictionaryStringJsonElement);
        return this with { Fallback = new ActionSubmit(Title) { Data = submitData, AssociatedInputs = AssociatedInputs } };
    }
}

/// <summary>Legacy submit; used only as a fallback for <see cref="ActionExecute"/>.</summary>
public sealed record ActionSubmit : CardAction
{
    public ActionSubmit(string title)
        : base(title)
    {
    }

    public JsonElement? Data { get; init; }

    public AssociatedInputs? AssociatedInputs { get; init; }
}

/// <summary>Opens an https URL.</summary>
public sealed record ActionOpenUrl : CardAction
{
    public ActionOpenUrl(string title, Uri url)
        : base(title) => Url = url;

    public Uri Url { get; init => field = Guard.AbsoluteHttps(value, nameof(Url)); }
}

/// <summary>Reveals a nested card (no version of its own is needed).</summary>
public sealed record ActionShowCard : CardAction
{
    public ActionShowCard(string title, AdaptiveCard card)
        : base(title) => Card = card;

    public AdaptiveCard Card { get; init => field = value ?? throw new ArgumentNullException(nameof(Card)); }
}

/// <summary>Shows/hides elements by id.</summary>
public sealed record ActionToggleVisibility : CardAction
{
    public ActionToggleVisibility(string title, IReadOnlyList<string> targetElements)
        : base(title) => TargetElements = targetElements;

    public IReadOnlyList<string> TargetElements
    {
        get;
        init
        {
            Guard.NotEmpty(value, nameof(TargetElements));
            foreach (var id in value)
            {
                Guard.NotBlank(id, nameof(TargetElements));
            }

            field = value;
        }
    }
}
