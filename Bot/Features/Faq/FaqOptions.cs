using System.ComponentModel.DataAnnotations;
using Cronos;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Faq;

/// <summary>Configuration section <c>Faq</c>: the public FAQ.</summary>
public sealed class FaqOptions
{
    public const string SectionName = "Faq";

    /// <summary>Cron (5 fields, Cronos) of the scheduled publish in <see cref="TimeZone"/>; empty disables it. <value>0 6 * * * (daily 06:00)</value></summary>
    public string? Schedule { get; set; } = "0 6 * * *";

    /// <summary>Time zone of <see cref="Schedule"/> and of the times shown on the page (IANA or Windows id). <value>UTC</value></summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Public address the <c>faq</c> command gives out (e.g. https://care.contoso.com); empty: the bot's own URL.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Publish when an "add to FAQ" answer is approved, replaced or retired. <value>true</value></summary>
    public bool PublishOnApproval { get; set; } = true;

    /// <summary>Delay between such a change and the publish (changes within it become one version). <value>5 s</value></summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan PublishDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Cache lifetime (max-age) of the current FAQ for browsers and proxies. <value>60 s</value></summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CacheMaxAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Versions per page of <c>/faq/history</c> (and <c>.json</c>); further pages via <c>?page=2</c>, … <value>50</value></summary>
    [Range(5, 1000)]
    public int HistoryPageSize { get; set; } = 50;

    /// <summary>The resolved <see cref="TimeZone"/> (validated at startup).</summary>
    public TimeZoneInfo ResolveTimeZone() =>
        TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone.Trim(), out var zone) ? zone : TimeZoneInfo.Utc;
}

internal sealed class FaqOptionsValidator : IValidateOptions<FaqOptions>
{
    public ValidateOptionsResult Validate(string? name, FaqOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Schedule))
        {
            try
            {
                CronExpression.Parse(options.Schedule.Trim(), CronFormat.Standard);
            }
            catch (CronFormatException ex)
            {
                failures.Add($"Faq:Schedule '{options.Schedule}' is not a 5-field cron expression ({ex.Message}); leave it empty to disable the scheduled publish.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone.Trim(), out _))
        {
            failures.Add($"Faq:TimeZone '{options.TimeZone}' is not a known time zone id (e.g. UTC, Europe/London).");
        }

        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            && (!Uri.TryCreate(options.PublicBaseUrl.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)))
        {
            failures.Add($"Faq:PublicBaseUrl '{options.PublicBaseUrl}' must be an absolute http(s) URL without query or fragment, e.g. https://care.contoso.com.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
