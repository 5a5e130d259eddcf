namespace CrisisBot.Cards.Model;

/// <summary>Argument checks shared by the model so every invalid card fails where it is written.</summary>
internal static class Guard
{
    /// <summary>Maximum actions in one action set or on the card (Teams host config <c>actions.maxActions</c>).</summary>
    public const int MaxActions = 6;

    public static string NotBlank(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is required and cannot be empty.", name);
        }

        return value;
    }

    public static IReadOnlyList<T> NotEmpty<T>(IReadOnlyList<T>? items, string name)
    {
        ArgumentNullException.ThrowIfNull(items, name);
        if (items.Count == 0)
        {
            throw new ArgumentException($"{name} needs at least one item.", name);
        }

        return NoNulls(items, name);
    }

    public static IReadOnlyList<T> NoNulls<T>(IReadOnlyList<T>? items, string name)
    {
        ArgumentNullException.ThrowIfNull(items, name);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is null)
            {
                throw new ArgumentException($"{name}[{i}] is null.", name);
            }
        }

        return items;
    }

    public static IReadOnlyList<T>? MaxActionsOrNull<T>(IReadOnlyList<T>? actions, string name)
    {
        if (actions is null)
        {
            return null;
        }

        if (actions.Count > MaxActions)
        {
            throw new ArgumentException(
                $"{name} has {actions.Count} actions; Teams shows at most {MaxActions} per action set.", name);
        }

        return NoNulls(actions, name);
    }

    public static Uri AbsoluteHttps(Uri? url, string name, bool allowData = false)
    {
        ArgumentNullException.ThrowIfNull(url, name);
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException($"{name} must be an absolute URL.", name);
        }

        if (url.Scheme == Uri.UriSchemeHttps || (allowData && url.Scheme == "data"))
        {
            return url;
        }

        throw new ArgumentException($"{name} must use https (got '{url.Scheme}').", name);
    }
}
