using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Delivery;

/// <summary>Startup validation of <see cref="TeamsRateLimitOptions"/> with messages that name the key to fix.</summary>
public sealed class TeamsRateLimitOptionsValidator : IValidateOptions<TeamsRateLimitOptions>
{
    private const string S = TeamsRateLimitOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, TeamsRateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        Limit(errors, nameof(options.PerThreadPer1Second), options.PerThreadPer1Second, 1_000);
        Limit(errors, nameof(options.PerThreadPer2Seconds), options.PerThreadPer2Seconds, 2_000);
        Limit(errors, nameof(options.PerThreadPer30Seconds), options.PerThreadPer30Seconds, 30_000);
        Limit(errors, nameof(options.PerThreadPerHour), options.PerThreadPerHour, 100_000);
        Limit(errors, nameof(options.TenantPerSecond), options.TenantPerSecond, 10_000);

        if (options.SafetyMargin < TimeSpan.Zero || options.SafetyMargin > TimeSpan.FromSeconds(1))
        {
            errors.Add($"{S}:SafetyMargin is {options.SafetyMargin}; it must be between 00:00:00 and 00:00:01.");
        }

        if (options.BackoffBase <= TimeSpan.Zero || options.BackoffBase > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{S}:BackoffBase is {options.BackoffBase}; it must be positive and at most 00:05:00 (for example 00:00:02).");
        }

        if (options.BackoffMax < options.BackoffBase || options.BackoffMax > TimeSpan.FromHours(1))
        {
            errors.Add($"{S}:BackoffMax is {options.BackoffMax}; it must be at least {S}:BackoffBase ({options.BackoffBase}) and at most 01:00:00.");
        }

        if (double.IsNaN(options.BackoffJitter) || options.BackoffJitter is < 0 or > 0.5)
        {
            errors.Add($"{S}:BackoffJitter is {options.BackoffJitter}; it must be between 0 and 0.5.");
        }

        if (options.MaxRetryAfter <= TimeSpan.Zero || options.MaxRetryAfter > TimeSpan.FromHours(1))
        {
            errors.Add($"{S}:MaxRetryAfter is {options.MaxRetryAfter}; it must be positive and at most 01:00:00.");
        }

        if (options.GlobalSlowdownDuration < TimeSpan.Zero || options.GlobalSlowdownDuration > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{S}:GlobalSlowdownDuration is {options.GlobalSlowdownDuration}; it must be between 00:00:00 (off) and 00:05:00.");
        }

        if (double.IsNaN(options.GlobalSlowdownFactor) || options.GlobalSlowdownFactor is <= 0 or > 1)
        {
            errors.Add($"{S}:GlobalSlowdownFactor is {options.GlobalSlowdownFactor}; it must be greater than 0 and at most 1.");
        }

        if (options.EvictionInterval < TimeSpan.FromSeconds(1) || options.EvictionInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{S}:EvictionInterval is {options.EvictionInterval}; it must be between 00:00:01 and 01:00:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Limit(List<string> errors, string key, int value, int max)
    {
        if (value < 1 || value > max)
        {
            errors.Add($"{S}:{key} is {value}; it must be between 1 and {max}.");
        }
    }
}
