using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Channels;

internal sealed class ChannelsOptionsValidator : IValidateOptions<ChannelsOptions>
{
    public ValidateOptionsResult Validate(string? name, ChannelsOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Admins.Count; i++)
        {
            var entry = options.Admins[i]?.Trim();
            if (string.IsNullOrEmpty(entry))
            {
                failures.Add($"Bot:Admins:{i} is empty. Each admin is an Entra object id (GUID) or a UPN (user@domain).");
            }
            else if (!Guid.TryParse(entry, out _) && !AdminPolicy.LooksLikeUpn(entry))
            {
                failures.Add($"Bot:Admins:{i} '{entry}' is neither an Entra object id (GUID) nor a UPN (user@domain).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
