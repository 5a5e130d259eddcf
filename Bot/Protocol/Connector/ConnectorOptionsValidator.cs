using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Protocol.Connector;

/// <summary>Startup validation of <see cref="ConnectorOptions"/> with messages that name the configuration key to fix.</summary>
public sealed partial class ConnectorOptionsValidator : IValidateOptions<ConnectorOptions>
{
    private static readonly TimeSpan MinAttemptTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxAttemptTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxRetryAfterCeiling = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, ConnectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (!options.LocalMode)
        {
            const string Hint = "It is required for outbound Connector calls; set it through user-secrets or the environment, or set Bot:LocalMode=true to run against the Agents Playground.";
            if (string.IsNullOrWhiteSpace(options.MicrosoftAppId))
            {
                errors.Add($"MicrosoftAppId is missing. {Hint}");
            }

            if (string.IsNullOrWhiteSpace(options.MicrosoftAppPassword))
            {
                errors.Add($"MicrosoftAppPassword is missing. {Hint}");
            }

            if (string.IsNullOrWhiteSpace(options.MicrosoftAppTenantId))
            {
                errors.Add($"MicrosoftAppTenantId is missing. {Hint}");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.MicrosoftAppTenantId) && !TenantPattern().IsMatch(options.MicrosoftAppTenantId))
        {
            errors.Add($"MicrosoftAppTenantId '{options.MicrosoftAppTenantId}' is not a tenant GUID or domain name (it becomes part of the authority URL https://login.microsoftonline.com/<tenant>).");
        }

        if (options.AllowedServiceUrlHosts is null || options.AllowedServiceUrlHosts.Count == 0)
        {
            errors.Add("Bot:AllowedServiceUrlHosts is empty: no Connector host could ever receive the bot's token. Remove the key to use the default Teams hosts.");
        }
        else
        {
            foreach (var host in options.AllowedServiceUrlHosts)
            {
                if (string.IsNullOrWhiteSpace(host) || !HostPattern().IsMatch(host))
                {
                    errors.Add($"Bot:AllowedServiceUrlHosts entry '{host}' is not a host name: use 'smba.trafficmanager.net' or '*.botframework.com' (no scheme, port or path).");
                }
            }
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            errors.Add($"Connector:MaxRetries is {options.MaxRetries}; it must be between 0 and 10.");
        }

        if (options.BaseDelay <= TimeSpan.Zero)
        {
            errors.Add($"Connector:BaseDelay is {options.BaseDelay}; it must be positive (for example 00:00:02).");
        }

        if (options.MaxDelay < options.BaseDelay || options.MaxDelay > MaxBackoff)
        {
            errors.Add($"Connector:MaxDelay is {options.MaxDelay}; it must be at least Connector:BaseDelay ({options.BaseDelay}) and at most {MaxBackoff}.");
        }

        if (options.AttemptTimeout < MinAttemptTimeout || options.AttemptTimeout > MaxAttemptTimeout)
        {
            errors.Add($"Connector:AttemptTimeout is {options.AttemptTimeout}; it must be between {MinAttemptTimeout} and {MaxAttemptTimeout}.");
        }

        if (options.MaxRetryAfter < TimeSpan.Zero || options.MaxRetryAfter > MaxRetryAfterCeiling)
        {
            errors.Add($"Connector:MaxRetryAfter is {options.MaxRetryAfter}; it must be between 00:00:00 and {MaxRetryAfterCeiling}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    // A GUID or a DNS name such as contoso.onmicrosoft.com: nothing that could change the authority URL's path.
    [GeneratedRegex(@"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$")]
    private static partial Regex TenantPattern();

    [GeneratedRegex(@"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostPattern();
}
