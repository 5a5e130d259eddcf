using System.ComponentModel.DataAnnotations;

namespace CrisisBot.Features.Crisis;

/// <summary>Configuration section <c>Crisis</c>.</summary>
public sealed class CrisisOptions
{
    public const string SectionName = "Crisis";

    /// <summary>
    /// <c>Crisis:Leads</c>: Entra object ids (or UPNs, checked like <c>Bot:Admins</c>) of the people who may declare a crisis,
    /// confirm proposals, flag decisions and stand down. <c>Bot:Admins</c> may too, and so may the leads of the active crisis.
    /// <value>Default empty: only admins.</value>
    /// </summary>
    public IList<string> Leads { get; } = [];

    /// <summary>Hours between status-update requests to the lead during a crisis. <value>4</value></summary>
    [Range(1, 168)]
    public int UpdateCadenceHours { get; set; } = 4;

    /// <summary>Expert answer target shown when no product in scope has a crisis SLA. <value>30</value></summary>
    [Range(1, 10_080)]
    public int DefaultCrisisSlaMinutes { get; set; } = 30;

    /// <summary>Prefix of the channel created through Graph: "Crisis - &lt;name&gt;". <value>Crisis</value></summary>
    [Required]
    [MaxLength(20)]
    public string ChannelNamePrefix { get; set; } = "Crisis";
}
