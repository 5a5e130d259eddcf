using System.ComponentModel.DataAnnotations;

namespace CrisisBot.Features.Experts;

/// <summary>Configuration section <c>Experts</c>.</summary>
public sealed class ExpertsOptions
{
    public const string Section = "Experts";

    /// <summary>Days until an approved library answer must be reviewed again. <value>14</value></summary>
    [Range(1, 365)]
    public int ReviewDays { get; set; } = 14;

    /// <summary>
    /// Word-overlap (Jaccard of stems) at which a new question in the same product joins an open one instead of making a
    /// duplicate. <value>0.6</value>
    /// </summary>
    [Range(0.1, 1.0)]
    public double JoinSimilarity { get; set; } = 0.6;

    /// <summary>Minutes a reminder's "Snooze" postpones the next SLA step. <value>15</value></summary>
    [Range(1, 240)]
    public int SnoozeMinutes { get; set; } = 15;
}
