using System.Text.Json;

namespace CrisisBot.Protocol.Routing;

/// <summary>
/// The card action a user took: from an <c>adaptiveCard/action</c> invoke (Action.Execute) or from an
/// Action.Submit fallback message whose <c>value</c> carries a <c>verb</c>. <see cref="Data"/> already
/// contains the merged input values.
/// </summary>
public sealed record CardAction(string Verb, JsonElement Data, bool IsSubmitFallback, string? Trigger = null);
