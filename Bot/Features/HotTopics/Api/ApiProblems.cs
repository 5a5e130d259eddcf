using System.Text.Json;

namespace CrisisBot.Features.HotTopics.Api;

/// <summary>Writes <see cref="ApiProblem"/> bodies as <c>application/problem+json</c>.</summary>
internal static class ApiProblems
{
    public static IResult Result(int status, string title, string detail, long? line = null, long? column = null)
    {
        var problem = new ApiProblem($"urn:crisisbot:problem:{Slug(title)}", title, status, detail) { Line = line, Column = column };
        return Results.Text(
            JsonSerializer.Serialize(problem, IntakeJsonContext.Default.ApiProblem),
            "application/problem+json",
            System.Text.Encoding.UTF8,
            status);
    }

    private static string Slug(string title) =>
        string.Join('-', title.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
