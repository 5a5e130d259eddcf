using System.ComponentModel.DataAnnotations;

namespace CrisisBot.Features.DutyOfCare;

/// <summary>Configuration section <c>DutyOfCare</c>.</summary>
public sealed class DutyOfCareOptions : IValidatableObject
{
    public const string SectionName = "DutyOfCare";

    /// <summary>Track exposures and send break prompts. <value>true</value></summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// An agent works on a topic from each ask, join or "I used this" on it until this much later; abusive posts that
    /// arrive in that time count as exposures. <value>60 minutes</value>
    /// </summary>
    public TimeSpan WorkWindow { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>N: exposures within <see cref="Window"/> that trigger a break prompt. <value>5</value></summary>
    [Range(1, 10_000)]
    public int Threshold { get; set; } = 5;

    /// <summary>M: the sliding window the exposures are counted in. <value>30 minutes</value></summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>At most one prompt per agent per cooldown. <value>2 hours</value></summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Break length offered on the card (5..120). <value>15</value></summary>
    [Range(5, 120)]
    public int SuggestedBreakMinutes { get; set; } = 15;

    /// <summary>Show agents by name in team-load summaries (otherwise only totals). <value>false</value></summary>
    public bool NameAgentsInSummary { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[] { (nameof(WorkWindow), WorkWindow), (nameof(Window), Window), (nameof(Cooldown), Cooldown) })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(7))
            {
                yield return new ValidationResult($"DutyOfCare:{name} must be between 00:00:01 and 7.00:00:00 (got {value}).", [name]);
            }
        }
    }
}
