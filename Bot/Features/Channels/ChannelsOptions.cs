namespace CrisisBot.Features.Channels;

/// <summary>The keys of the <c>Bot</c> section the Channels feature reads.</summary>
public sealed class ChannelsOptions
{
    public const string SectionName = "Bot";

    /// <summary>
    /// <c>Bot:Admins</c>: who may link and unlink channels. Each entry is an Entra object id (GUID, compared
    /// case-insensitively with <c>from.aadObjectId</c>) or a UPN (<c>user@domain</c>, compared with the member's
    /// <c>userPrincipalName</c> from the Connector).
    /// <value>Default empty: nobody can link.</value>
    /// </summary>
    public IList<string> Admins { get; } = [];

    /// <summary><c>Bot:LocalMode</c>, shown on the status card.</summary>
    public bool LocalMode { get; set; }
}
