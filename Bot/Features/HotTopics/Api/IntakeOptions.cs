using System.ComponentModel.DataAnnotations;

namespace CrisisBot.Features.HotTopics.Api;

/// <summary>Configuration section <c>Intake</c>: POST /api/posts and the import/replay batch size.</summary>
public sealed class IntakeOptions
{
    public const string SectionName = "Intake";

    /// <summary>
    /// HMAC-SHA256 secrets; a request signed with any of them is accepted (several at once for rotation). At least 16
    /// characters each. Empty: POST /api/posts answers 503. <value>none</value>
    /// </summary>
    public string[] Secrets { get; set; } = [];

    /// <summary>Largest request body in bytes; larger bodies get 413. <value>10 MB</value></summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How far <c>X-CrisisBot-Timestamp</c> may be from the server's clock, either way. <value>300 s</value></summary>
    [Range(1, 3600)]
    public int MaxTimestampSkewSeconds { get; set; } = 300;

    /// <summary>Posts per ingest transaction (HTTP bodies, import and replay). <value>4000</value></summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 4000;

    /// <summary>
    /// <c>dotnet Bot.dll import</c> only: the GC heap ceiling in MB it starts with; raised to 1.25 × the live heap + 24 MB
    /// whenever the live heap needs it, so it bounds garbage, never the data. 0 = no ceiling. <value>128</value>
    /// </summary>
    public int ImportHeapLimitMB { get; set; } = 128;
}

/// <summary>Configuration section <c>Api</c>: the read API (GET /api/topics…).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>API keys accepted in <c>X-Api-Key</c> (several at once for rotation). <value>none</value></summary>
    public string[] Keys { get; set; } = [];
}
