using CrisisBot.Protocol.Activities;

namespace CrisisBot.Features.Experts;

/// <summary>Who acts: Teams user id, Entra object id (when Teams sent it) and display name.</summary>
public sealed record ExpertActor(string UserId, string? AadObjectId, string Name)
{
    /// <summary>The audit id: the Entra object id when known, otherwise the Teams user id.</summary>
    public string AuditId => string.IsNullOrWhiteSpace(AadObjectId) ? UserId : AadObjectId;

    public static ExpertActor From(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var from = activity.From;
        var userId = string.IsNullOrWhiteSpace(from?.Id) ? from?.AadObjectId ?? "unknown" : from.Id;
        var name = string.IsNullOrWhiteSpace(from?.Name) ? "Someone" : from.Name.Trim();
        return new ExpertActor(userId, string.IsNullOrWhiteSpace(from?.AadObjectId) ? null : from.AadObjectId, name);
    }
}
