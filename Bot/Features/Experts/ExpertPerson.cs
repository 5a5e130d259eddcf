namespace CrisisBot.Features.Experts;

/// <summary>
/// A person seen in Teams (any interaction with the expert loop): links the Teams user id (29:…) to the Entra object id,
/// UPN and name, so products.yaml people (object ids or UPNs) can be @mentioned by name and listed in refresh.userIds.
/// </summary>
public sealed class ExpertPerson
{
    /// <summary>Teams user id (29:…).</summary>
    public string UserId { get; internal set; } = "";

    public string? AadObjectId { get; internal set; }

    public string? Upn { get; internal set; }

    public string Name { get; internal set; } = "";

    public DateTimeOffset SeenAt { get; internal set; }
}
