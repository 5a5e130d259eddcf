using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrisisBot.Bench.Suite;

/// <summary>
/// Before any load: one request to a target must answer 200 with <c>{statusCode: 200, type: card, value: &lt;the card&gt;}</c>
/// (JSON-equal to the card file), so every target really does the same work. With <c>--token</c> the same request without
/// the token must be refused with 401 (the JWT check is really on).
/// </summary>
internal static class Check
{
    public const string CardType = "application/vnd.microsoft.card.adaptive";

    /// <summary><c>--url</c> is a comma-separated list; <c>--token</c> applies to the URLs listed in <c>--token-urls</c>.</summary>
    public static async Task<int> RunAsync(Options options)
    {
        var urls = options.Required("--url").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var body = await File.ReadAllTextAsync(options.ExistingFile("--body"));
        var card = JsonNode.Parse(await File.ReadAllTextAsync(options.ExistingFile("--card")));
        var tokenFile = options.Optional("--token");
        var token = tokenFile is null ? null : (await File.ReadAllTextAsync(tokenFile)).Trim();
        var tokenUrls = (options.Optional("--token-urls") ?? string.Join(',', urls))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        var failed = 0;
        foreach (var url in urls)
        {
            failed += await CheckOneAsync(client, url, body, card, tokenUrls.Contains(url, StringComparer.Ordinal) ? token : null);
        }

        return failed == 0 ? 0 : 1;
    }

    private static async Task<int> CheckOneAsync(HttpClient client, string url, string body, JsonNode? card, string? token)
    {
        var (status, text) = await PostAsync(client, url, body, token);
        if (status != HttpStatusCode.OK)
        {
            return Fail($"{url} answered {(int)status}: {Truncate(text)}");
        }

        JsonNode? answer;
        try
        {
            answer = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            return Fail($"{url} answered with invalid JSON ({ex.Message}): {Truncate(text)}");
        }

        if (answer?["statusCode"]?.GetValue<int>() != 200 || answer["type"]?.GetValue<string>() != CardType)
        {
            return Fail($"{url} did not answer with a card invoke response: {Truncate(text)}");
        }

        if (!JsonNode.DeepEquals(answer["value"], card))
        {
            return Fail($"{url} answered with a different card than the reference: {Truncate(text)}");
        }

        if (token is not null)
        {
            var (anonymous, _) = await PostAsync(client, url, body, null);
            if (anonymous != HttpStatusCode.Unauthorized)
            {
                return Fail($"{url} answered {(int)anonymous} without a token; expected 401 (is the JWT check on?)");
            }
        }

        Console.WriteLine($"check ok: {url} answers the reference card ({text.Length} bytes){(token is null ? "" : "; 401 without a token")}");
        return 0;
    }

    private static async Task<(HttpStatusCode Status, string Text)> PostAsync(HttpClient client, string url, string body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, MediaTypeHeaderValue.Parse("application/json")) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"check FAILED: {message}");
        return 1;
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
