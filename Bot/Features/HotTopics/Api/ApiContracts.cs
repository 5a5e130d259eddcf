using System.Text.Json.Serialization;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Features.HotTopics.Api;

/// <summary>202 body of POST /api/posts.</summary>
public sealed record PostsAccepted(int Accepted, int Duplicates, IReadOnlyList<PostRejection> Rejected);

/// <summary>One rejected item: its 0-based index in the body and why.</summary>
public sealed record PostRejection(int Index, string Error);

/// <summary>An RFC 9457 problem body (<c>application/problem+json</c>), used by every error of the intake and read API.</summary>
public sealed record ApiProblem(string Type, string Title, int Status, string Detail)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Line { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Column { get; init; }
}

/// <summary>A topic in the read API.</summary>
public sealed record TopicDto(
    int Id,
    string Title,
    string Product,
    string State,
    string Severity,
    int Posts,
    int AbusivePosts,
    long Reach,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    double BaselinePerHour,
    double RecentPerHour,
    int? MergedInto)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AlarmDto>? Alarms { get; init; }
}

/// <summary>An alarm in the read API and in <c>alarms export</c> (<see cref="At"/> is the event time it fired).</summary>
public sealed record AlarmDto(
    int? TopicId,
    string Product,
    DateTimeOffset At,
    string Severity,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Scope = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Transition = null);

/// <summary>GET /api/topics body.</summary>
public sealed record TopicList(IReadOnlyList<TopicDto> Topics);

/// <summary>A post in GET /api/topics/{id}/posts.</summary>
public sealed record PostDto(
    string Id,
    string Source,
    string Text,
    string? AuthorHandle,
    string? AuthorName,
    DateTimeOffset CreatedAt,
    long Reach,
    string? Url,
    string Product,
    int? TopicId,
    bool Abusive);

/// <summary>One page of a topic's posts; pass <see cref="Next"/> as <c>after</c> for the next page (null at the end).</summary>
public sealed record PostPage(IReadOnlyList<PostDto> Posts, string? Next);

/// <summary>One line of <c>topics export</c>.</summary>
public sealed record PostTopicLine(string Id, string Source, int? TopicId, string? TopicTitle, string Product);

internal static class ApiNames
{
    public static string Name(TopicState state) => state switch
    {
        TopicState.Emerging => "emerging",
        TopicState.Hot => "hot",
        TopicState.Cooling => "cooling",
        TopicState.Resolved => "resolved",
        _ => state.ToString().ToLowerInvariant(),
    };

    public static TopicState? ParseState(string value) => value.Trim().ToLowerInvariant() switch
    {
        "emerging" => TopicState.Emerging,
        "hot" => TopicState.Hot,
        "cooling" => TopicState.Cooling,
        "resolved" => TopicState.Resolved,
        _ => null,
    };

    public static string Name(AlarmSeverity severity) => severity.ToString().ToLowerInvariant();

    public static string Name(AlarmScope scope) => scope.ToString().ToLowerInvariant();

    public static string Name(AlarmTransition transition) => transition.ToString().ToLowerInvariant();
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PostsAccepted))]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(TopicDto))]
[JsonSerializable(typeof(TopicList))]
[JsonSerializable(typeof(PostPage))]
[JsonSerializable(typeof(AlarmDto))]
[JsonSerializable(typeof(PostTopicLine))]
internal sealed partial class IntakeJsonContext : JsonSerializerContext;
