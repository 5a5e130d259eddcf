namespace CrisisBot.Bench.Intake;

internal static class HttpBench
{
    public static Task<string> RunAsync(string work, int posts, int connections) => Task.FromResult("(HTTP part pending)");
}
