using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics.Api;

/// <summary>Refuses weak or blank secrets and API keys at startup, naming the key to fix.</summary>
internal sealed class IntakeOptionsValidator : IValidateOptions<IntakeOptions>, IValidateOptions<ApiOptions>
{
    public const int MinSecretLength = 16;

    public ValidateOptionsResult Validate(string? name, IntakeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        for (var i = 0; i < options.Secrets.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Secrets[i]) || options.Secrets[i].Length < MinSecretLength)
            {
                errors.Add($"Intake:Secrets:{i} must be at least {MinSecretLength} characters (use a long random value).");
            }
        }

        if (options.MaxBodyBytes < 1024)
        {
            errors.Add("Intake:MaxBodyBytes must be at least 1024.");
        }

        if (options.MaxTimestampSkewSeconds < 1)
        {
            errors.Add("Intake:MaxTimestampSkewSeconds must be at least 1.");
        }

        if (options.BatchSize < 1)
        {
            errors.Add("Intake:BatchSize must be at least 1.");
        }

        if (options.ImportHeapLimitMB is < 0 or > 1 << 20)
        {
            errors.Add("Intake:ImportHeapLimitMB must be between 0 (no ceiling) and 1048576.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        for (var i = 0; i < options.Keys.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Keys[i]) || options.Keys[i].Length < MinSecretLength)
            {
                errors.Add($"Api:Keys:{i} must be at least {MinSecretLength} characters (use a long random value).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
