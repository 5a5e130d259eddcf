using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CrisisBot.Cards.Model;

namespace CrisisBot.Cards;

/// <summary>
/// The one way to turn a card into JSON. Every method validates the card first (<see cref="CardValidation"/>),
/// so an invalid card never leaves the Cards project.
/// </summary>
public static class CardJson
{
    /// <summary>Compact output; non-ASCII text is kept readable (the card travels inside JSON, not HTML).</summary>
    private static readonly JsonSerializerOptions Compact = new(CardJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions Indented = new(Compact) { WriteIndented = true };

    /// <summary>The serializer's default (strict) escaping: the largest form a transport may re-encode the card into.</summary>
    private static readonly JsonSerializerOptions Strict = CardJsonContext.Default.Options;

    /// <summary>Serializes a card to compact JSON.</summary>
    public static string Serialize(AdaptiveCard card)
    {
        CardValidation.Validate(card);
        return JsonSerializer.Serialize(card, CardInfo(Compact));
    }

    /// <summary>Serializes a card to indented JSON (samples, snapshots, export).</summary>
    public static string SerializeIndented(AdaptiveCard card)
    {
        CardValidation.Validate(card);
        return JsonSerializer.Serialize(card, CardInfo(Indented));
    }

    /// <summary>The card as a JsonElement, ready for <c>OutgoingActivity.WithCard</c> or an invoke response.</summary>
    public static JsonElement ToElement(AdaptiveCard card)
    {
        CardValidation.Validate(card);
        return JsonSerializer.SerializeToElement(card, CardInfo(Compact));
    }

    /// <summary>
    /// Size in UTF-8 bytes of the card serialized compactly with strict escaping (every non-ASCII character as
    /// <c>\uXXXX</c>). That is an upper bound of what any of our serializers sends, so the budget holds everywhere.
    /// </summary>
    public static int Utf8Size(AdaptiveCard card)
    {
        CardValidation.Validate(card);
        return JsonSerializer.SerializeToUtf8Bytes(card, CardInfo(Strict)).Length;
    }

    /// <summary>Serializes an action data record (Cards/Actions) to the element put in <c>data</c>.</summary>
    public static JsonElement Data<T>(T data)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(data);
        return JsonSerializer.SerializeToElement(data, TypeInfo<T>(Compact));
    }

    /// <summary>Reads an action data record from an invoke's <c>action.data</c>. Throws <see cref="JsonException"/> if it does not fit.</summary>
    public static T ReadData<T>(JsonElement data)
        where T : class =>
        data.Deserialize(TypeInfo<T>(Compact)) ?? throw new JsonException($"Action data for {typeof(T).Name} was null.");

    private static JsonTypeInfo<AdaptiveCard> CardInfo(JsonSerializerOptions options) => TypeInfo<AdaptiveCard>(options);

    private static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions options) =>
        options.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered in CardJsonContext.");
}
