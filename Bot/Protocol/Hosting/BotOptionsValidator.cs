using CrisisBot.Protocol.Auth;
using Microsoft.Extensions.Options;

namespace CrisisBot.Protocol.Hosting;

/// <summary>
/// Startup validation of <see cref="BotOptions"/> with messages that name the configuration key to fix. Local mode is
/// refused when a configured listening address is not loopback (the started server is checked again by
/// <see cref="LocalModeGuard"/>).
/// </summary>
internal sealed class BotOptionsValidator(IConfiguration configuration) : IValidateOptions<BotOptions>
{
    private static readonly string[] AppTypes = ["SingleTenant", "MultiTenant", "UserAssignedMSI"];

    public ValidateOptionsResult Validate(string? name, BotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (!options.LocalMode)
        {
            if (string.IsNullOrWhiteSpace(options.MicrosoftAppId))
            {
                errors.Add("MicrosoftAppId is required (set MicrosoftAppId, or Bot:LocalMode=true for the Playground on loopback).");
            }

            if (string.IsNullOrWhiteSpace(options.MicrosoftAppTenantId))
            {
                errors.Add("MicrosoftAppTenantId is required (set MicrosoftAppTenantId, or Bot:LocalMode=true for the Playground on loopback).");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.MicrosoftAppId) && !Guid.TryParse(options.MicrosoftAppId, out _))
        {
            errors.Add($"MicrosoftAppId must be a GUID (the Entra application id), got '{options.MicrosoftAppId}'.");
        }

        if (!string.IsNullOrWhiteSpace(options.MicrosoftAppTenantId) && !Guid.TryParse(options.MicrosoftAppTenantId, out _))
        {
            errors.Add($"MicrosoftAppTenantId must be a GUID (the tenant id), got '{options.MicrosoftAppTenantId}'.");
        }

        if (!string.IsNullOrWhiteSpace(options.MicrosoftAppType) &&
            !AppTypes.Contains(options.MicrosoftAppType, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"MicrosoftAppType must be one of {string.Join(", ", AppTypes)}, got '{options.MicrosoftAppType}'.");
        }

        CheckMetadataUrl("Bot:OpenIdMetadataUrl", options.OpenIdMetadataUrl, errors);
        if (!string.IsNullOrWhiteSpace(options.MicrosoftAppTenantId))
        {
            CheckMetadataUrl("Bot:EntraOpenIdMetadataUrl", options.EntraMetadataUrlForTenant, errors);
        }

        if (options.AllowedTenants.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("Bot:AllowedTenants contains an empty entry.");
        }

        if (options.AllowedServiceUrlHosts.Length == 0 || options.AllowedServiceUrlHosts.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("Bot:AllowedServiceUrlHosts must list at least one host and no empty entry.");
        }

        if (options.LocalMode)
        {
            var remote = ListeningAddresses.FromConfiguration(configuration).Where(a => !ListeningAddresses.IsLoopback(a)).ToList();
            if (remote.Count > 0)
            {
                errors.Add("Bot:LocalMode=true accepts unauthenticated requests and is only allowed when every listening address is " +
                           $"loopback (127.0.0.1, [::1] or localhost). Non-loopback address(es) configured: {string.Join(", ", remote)}.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckMetadataUrl(string key, string? value, List<string> errors)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            errors.Add($"{key} must be an absolute URL, got '{value}'.");
        }
        else if (!OpenIdDocumentRetriever.IsAllowedAddress(uri))
        {
            errors.Add($"{key} must use https (http is only allowed for a loopback host), got '{value}'.");
        }
    }
}
