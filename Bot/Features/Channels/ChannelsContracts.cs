using System.Globalization;

namespace CrisisBot.Features.Channels;

/// <summary>Identity of a binding: the role, plus the lower-case product key for <see cref="ChannelRole.Product"/> ("" otherwise).</summary>
public readonly record struct ChannelBindingKey(ChannelRole Role, string ProductKey)
{
    /// <summary>How users type it: <c>approvers</c>, <c>product contoso-phone</c>.</summary>
    public override string ToString() => Role == ChannelRole.Product
        ? $"product {ProductKey}"
        : Role.ToString().ToLower(CultureInfo.InvariantCulture);

    /// <summary>Audit subject: <c>approvers</c>, <c>product:contoso-phone</c>.</summary>
    public string Subject => Role == ChannelRole.Product
        ? $"product:{ProductKey}"
        : Role.ToString().ToLower(CultureInfo.InvariantCulture);
}

/// <summary>A team channel a binding can point at.</summary>
public sealed record ChannelTarget(string ChannelId, string? ChannelName, string TeamId, string? TeamName, string ServiceUrl, string TenantId);

/// <summary>Who acted: Entra object id (or Teams id) and display name.</summary>
public sealed record ChannelActor(string Id, string? Name);

/// <summary>Result of an upsert of a conversation reference.</summary>
public enum UpsertOutcome
{
    Created = 1,
    Reactivated = 2,
    Updated = 3,
}

/// <summary>Result of a link request.</summary>
/// <param name="Binding">The binding as stored now.</param>
/// <param name="PreviousTarget">When the binding moved: the channel it pointed at before.</param>
/// <param name="AlreadyLinkedHere">True when the binding already pointed at this channel; nothing changed.</param>
public sealed record LinkResult(ChannelBinding Binding, ChannelTarget? PreviousTarget, bool AlreadyLinkedHere);

/// <summary>Active conversation references and bindings, for the status card.</summary>
public sealed record InstallCounts(int PersonalChats, int GroupChats, int Teams, int Channels, int Bindings);
