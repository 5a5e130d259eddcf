using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Graph;

/// <summary>
/// Configuration section <c>Graph</c>: the Entra app CrisisBot uses for Microsoft Graph (client credentials). Leave
/// <see cref="TenantId"/>, <see cref="ClientId"/>, <see cref="ClientSecret"/> and <see cref="CertificatePath"/> empty to run
/// without Graph (features degrade with a message).
/// </summary>
public sealed class GraphOptions
{
    public const string SectionName = "Graph";
    public const string DefaultBaseUrl = "https://graph.microsoft.com/v1.0";
    public const string DefaultAuthorityHost = "https://login.microsoftonline.com/";

    public string? TenantId { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Client secret (from user-secrets or the environment, never appsettings.json). Or use <see cref="CertificatePath"/>.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Path of a PEM or PFX (no password) certificate registered on the app; used when no secret is set.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The Entra group id (<c>aadGroupId</c>) of the team crisis channels are created in.</summary>
    public string? TeamId { get; set; }

    /// <summary>Graph's base URL. https, or http on a loopback address (tests only).</summary>
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>Entra authority host for tokens (https).</summary>
    public string AuthorityHost { get; set; } = DefaultAuthorityHost;

    /// <summary>Time for one Graph call, retries included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Retries of 429/503 answers (Graph's retry handler, honouring Retry-After), 0 to 10.</summary>
    public int MaxRetries { get; set; } = 2;

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(TenantId) && !string.IsNullOrWhiteSpace(ClientId)
        && (!string.IsNullOrWhiteSpace(ClientSecret) || !string.IsNullOrWhiteSpace(CertificatePath));

    /// <summary>True when any credential key is set (then all of them must be).</summary>
    internal bool AnyCredentialSet =>
        !string.IsNullOrWhiteSpace(TenantId) || !string.IsNullOrWhiteSpace(ClientId)
        || !string.IsNullOrWhiteSpace(ClientSecret) || !string.IsNullOrWhiteSpace(CertificatePath);
}

/// <summary>Checks <see cref="GraphOptions"/> at startup, naming the key to fix.</summary>
public sealed class GraphOptionsValidator : IValidateOptions<GraphOptions>
{
    public ValidateOptionsResult Validate(string? name, GraphOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.AnyCredentialSet)
        {
            if (string.IsNullOrWhiteSpace(options.TenantId))
            {
                errors.Add("Graph:TenantId is required when Graph:ClientId, Graph:ClientSecret or Graph:CertificatePath is set.");
            }

            if (string.IsNullOrWhiteSpace(options.ClientId))
            {
                errors.Add("Graph:ClientId is required when Graph:TenantId, Graph:ClientSecret or Graph:CertificatePath is set.");
            }

            if (string.IsNullOrWhiteSpace(options.ClientSecret) && string.IsNullOrWhiteSpace(options.CertificatePath))
            {
                errors.Add("Graph:ClientSecret or Graph:CertificatePath is required when Graph:TenantId/ClientId are set.");
            }

            if (!string.IsNullOrWhiteSpace(options.CertificatePath) && string.IsNullOrWhiteSpace(options.ClientSecret)
                && !File.Exists(options.CertificatePath))
            {
                errors.Add($"Graph:CertificatePath '{options.CertificatePath}' does not exist.");
            }
        }

        if (!IsAllowedBaseUrl(options.BaseUrl))
        {
            errors.Add($"Graph:BaseUrl '{options.BaseUrl}' must be an absolute https URL (http only on a loopback address, for tests).");
        }

        if (!Uri.TryCreate(options.AuthorityHost, UriKind.Absolute, out var authority) || authority.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"Graph:AuthorityHost '{options.AuthorityHost}' must be an absolute https URL.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(5))
        {
            errors.Add("Graph:Timeout must be between 00:00:01 and 00:05:00.");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            errors.Add("Graph:MaxRetries must be between 0 and 10.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>https anywhere; http only on 127.0.0.0/8, [::1] or localhost.</summary>
    public static bool IsAllowedBaseUrl(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);
    }
}
