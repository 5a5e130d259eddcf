using System.Globalization;
using System.Text.RegularExpressions;

namespace CrisisBot.Features.Channels;

/// <summary>Parses the arguments of <c>link</c> / <c>unlink</c>: <c>agents | leadership | approvers | crisis | product &lt;key&gt;</c>.</summary>
public static partial class ChannelRoleParser
{
    /// <summary>The valid forms, for error messages and the help card.</summary>
    public static string Usage(string verb) =>
        $"{verb} agents | {verb} leadership | {verb} approvers | {verb} crisis | {verb} product <key>";

    /// <returns>True and the key, or false and a message that says what is wrong and lists the valid forms.</returns>
    public static bool TryParse(string verb, string arguments, out ChannelBindingKey key, out string error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        key = default;
        var parts = arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var usage = $"Use one of: {Usage(verb)}.";
        if (parts.Length == 0)
        {
            error = $"Which role? {usage}";
            return false;
        }

        if (!TryParseRole(parts[0], out var role))
        {
            error = $"'{Shorten(parts[0])}' is not a channel role. {usage}";
            return false;
        }

        if (role != ChannelRole.Product)
        {
            if (parts.Length > 1)
            {
                error = $"'{verb} {parts[0].ToLowerInvariant()}' takes no product key. {usage}";
                return false;
            }

            key = new ChannelBindingKey(role, "");
            error = "";
            return true;
        }

        if (parts.Length == 1)
        {
            error = $"'{verb} product' needs a product key, e.g. '{verb} product contoso-phone'. {usage}";
            return false;
        }

        var productKey = parts[1].ToLower(CultureInfo.InvariantCulture);
        if (parts.Length > 2 || !ProductKeyPattern().IsMatch(productKey))
        {
            error = $"'{Shorten(string.Join(' ', parts[1..]))}' is not a valid product key: use 1–64 letters, digits, '.', '_' or '-', " +
                $"starting with a letter or digit. {usage}";
            return false;
        }

        key = new ChannelBindingKey(ChannelRole.Product, productKey);
        error = "";
        return true;
    }

    private static bool TryParseRole(string text, out ChannelRole role)
    {
        role = default;
        return !text.All(char.IsDigit) && Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ProductKeyPattern();
}
