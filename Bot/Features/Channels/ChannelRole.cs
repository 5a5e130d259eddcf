namespace CrisisBot.Features.Channels;

/// <summary>The purpose a team channel is linked to. Stored by name, so never renumber or rename members.</summary>
public enum ChannelRole
{
    /// <summary>Customer-care agents: hot-topic alerts and approved answers.</summary>
    Agents = 1,

    /// <summary>Leadership: summaries and crisis decisions.</summary>
    Leadership = 2,

    /// <summary>Approvers: answers waiting for review.</summary>
    Approvers = 3,

    /// <summary>The crisis room, once a crisis is declared.</summary>
    Crisis = 4,

    /// <summary>A product's expert channel; needs a product key.</summary>
    Product = 5,
}
