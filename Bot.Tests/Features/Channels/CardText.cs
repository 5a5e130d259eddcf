using System.Text;
using System.Text.Json;
using CrisisBot.Protocol.Activities;

namespace CrisisBot.Tests.Features.Channels;

/// <summary>Reads what a user would see on a card: every string value, and the verbs of its actions.</summary>
internal static class CardText
{
    public static JsonElement Card(OutgoingActivity activity)
    {
        var attachment = Assert.Single(activity.Attachments ?? []);
        Assert.Equal(ContentTypes.AdaptiveCard, attachment.ContentType);
        Assert.Equal("AdaptiveCard", attachment.Content.GetProperty("type").GetString());
        return attachment.Content;
    }

    public static string Of(OutgoingActivity activity) => Of(Card(activity));

    public static string Of(JsonElement element)
    {
        var text = new StringBuilder();
        Collect(element, text);
        return text.ToString();
    }

    public static IReadOnlyList<string> Verbs(JsonElement element)
    {
        var verbs = new List<string>();
        Walk(element, e =>
        {
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("verb", out var verb) && verb.ValueKind == JsonValueKind.String)
            {
                verbs.Add(verb.GetString()!);
            }
        });
        return verbs;
    }

    private static void Collect(JsonElement element, StringBuilder text) => Walk(element, e =>
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            text.Append(e.GetString()).Append('\n');
        }
    });

    private static void Walk(JsonElement element, Action<JsonElement> visit)
    {
        visit(element);
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, visit);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, visit);
                }

                break;
        }
    }
}
