using System.Text.Json;
using CrisisBot.Protocol.Activities;

namespace CrisisBot.Protocol.Routing;

/// <summary>Reads the card action out of an <c>adaptiveCard/action</c> invoke or an Action.Submit fallback message.</summary>
internal static class CardActionParser
{
    public const string ActionExecute = "Action.Execute";

    /// <summary>
    /// Parses <c>value: {action: {type, verb, data}, trigger}</c>. Returns the action, or null with a message that says
    /// what is wrong (answered as a 400 error response).
    /// </summary>
    public static CardAction? ParseInvoke(Activity activity, out string? error)
    {
        ArgumentNullException.ThrowIfNull(activity);
        error = null;
        if (activity.Value is not { ValueKind: JsonValueKind.Object } value)
        {
            error = "The invoke has no value object.";
            return null;
        }

        if (!value.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.Object)
        {
            error = "The invoke value has no action object.";
            return null;
        }

        var type = action.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (!string.Equals(type, ActionExecute, StringComparison.Ordinal))
        {
            error = $"The action type must be {ActionExecute}, got '{type ?? "(none)"}'.";
            return null;
        }

        var verb = action.TryGetProperty("verb", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (string.IsNullOrWhiteSpace(verb))
        {
            error = "The Action.Execute has no verb.";
            return null;
        }

        // No Clone(): the activity's value is a standalone document that lives as long as the activity (never pooled).
        var data = action.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null && d.ValueKind != JsonValueKind.Undefined
            ? d
            : EmptyObject;
        var trigger = value.TryGetProperty("trigger", out var tr) && tr.ValueKind == JsonValueKind.String ? tr.GetString() : null;
        return new CardAction(verb, data, IsSubmitFallback: false, trigger);
    }

    /// <summary>An Action.Submit fallback: a message whose <c>value</c> object has a string <c>verb</c>.</summary>
    public static CardAction? ParseSubmit(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.Value is { ValueKind: JsonValueKind.Object } value &&
            value.TryGetProperty("verb", out var verb) && verb.ValueKind == JsonValueKind.String &&
            !string.IsNullOrWhiteSpace(verb.GetString()))
        {
            return new CardAction(verb.GetString()!, value.Clone(), IsSubmitFallback: true);
        }

        return null;
    }

    /// <summary>An immutable <c>{}</c>, shared (a <see cref="JsonElement"/> is safe to read from many threads).</summary>
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}
