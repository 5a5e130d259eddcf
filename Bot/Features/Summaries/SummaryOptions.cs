using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Summaries;

/// <summary>Configuration section <c>Summaries</c> (leadership summary).</summary>
public sealed class SummaryOptions
{
    public const string SectionName = "Summaries";

    /// <summary>Cron (5 fields, Cronos) of the scheduled summary in <see cref="TimeZone"/>; empty disables it. <value>0 8 * * *</value></summary>
    public string? Schedule { get; set; } = "0 8 * * *";

    /// <summary>IANA or Windows time zone id for the schedule, "today" and the times shown. <value>UTC</value></summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Period of the scheduled summary: <c>today</c>, <c>24h</c> or <c>7d</c>. <value>24h</value></summary>
    [Required]
    public string ScheduledPeriod { get; set; } = "24h";

    /// <summary>Customer first-response target the recovery forecast aims at. <value>01:00:00</value></summary>
    public TimeSpan FirstResponseTarget { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Window at the end of the period whose intake and answer rates count as "current". <value>03:00:00</value></summary>
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromHours(3);

    /// <summary>Rows in the top-topics table. <value>5</value></summary>
    [Range(1, 8)]
    public int TopTopics { get; set; } = 5;

    /// <summary>How long a signed chart URL stays valid. <value>7.00:00:00</value></summary>
    public TimeSpan ChartUrlLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// HMAC-SHA256 key (base64, at least 32 bytes) for chart URLs. Empty: a random key is generated once and stored in the
    /// database (table <c>SummaryKeys</c>), so every instance signs and checks with the same key.
    /// </summary>
    public string? ChartSigningKey { get; set; }

    /// <summary>
    /// Public https base URL of the bot (e.g. <c>https://crisisbot.example.com</c>) for the chart image in the card. Empty:
    /// the card's chart fallback is a list of the latest buckets instead of the image (Teams only loads https images).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// Summaries generated longer ago than this are deleted (with their acknowledgements) by the daily clean-up
    /// (<c>Retention:Cron</c>), except those generated while a crisis was active: the crisis export needs them. 0 keeps
    /// every summary. <value>90.00:00:00</value>
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>E-mail copy recipients (addresses); empty: no e-mail.</summary>
    public IList<string> MailTo { get; } = [];

    /// <summary>Mailbox (UPN or object id) the e-mail is sent from (<c>POST /users/{MailFrom}/sendMail</c>).</summary>
    public string? MailFrom { get; set; }

    public bool MailConfigured => MailTo.Any(a => !string.IsNullOrWhiteSpace(a)) && !string.IsNullOrWhiteSpace(MailFrom);
}

internal sealed class SummaryOptionsValidator : IValidateOptions<SummaryOptions>
{
    public ValidateOptionsResult Validate(string? name, SummaryOptions options)
    {
        var errors = new List<string>();
        if (!SummaryTime.TryFindZone(options.TimeZone, out _))
        {
            errors.Add($"Summaries:TimeZone '{options.TimeZone}' is not a known time zone (use an IANA id such as Europe/London).");
        }

        if (!string.IsNullOrWhiteSpace(options.Schedule))
        {
            try
            {
                Cronos.CronExpression.Parse(options.Schedule.Trim());
            }
            catch (Cronos.CronFormatException ex)
            {
                errors.Add($"Summaries:Schedule '{options.Schedule}' is not a 5-field cron expression: {ex.Message}");
            }
        }

        if (!SummaryPeriods.TryParse(options.ScheduledPeriod, out _))
        {
            errors.Add($"Summaries:ScheduledPeriod '{options.ScheduledPeriod}' must be today, 24h or 7d.");
        }

        if (options.FirstResponseTarget <= TimeSpan.Zero)
        {
            errors.Add("Summaries:FirstResponseTarget must be positive (e.g. 01:00:00).");
        }

        if (options.RateWindow <= TimeSpan.Zero)
        {
            errors.Add("Summaries:RateWindow must be positive (e.g. 03:00:00).");
        }

        if (options.Retention < TimeSpan.Zero || (options.Retention > TimeSpan.Zero && options.Retention < TimeSpan.FromDays(1)))
        {
            errors.Add($"Summaries:Retention '{options.Retention}' must be at least 1 day (e.g. 90.00:00:00), or 0 to keep every summary.");
        }

        if (options.ChartUrlLifetime <= TimeSpan.Zero)
        {
            errors.Add("Summaries:ChartUrlLifetime must be positive (e.g. 7.00:00:00).");
        }

        if (!string.IsNullOrWhiteSpace(options.ChartSigningKey) && ChartUrlSigner.DecodeKey(options.ChartSigningKey) is null)
        {
            errors.Add("Summaries:ChartSigningKey must be base64 of at least 32 bytes (e.g. `openssl rand -base64 32`).");
        }

        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            && (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Summaries:PublicBaseUrl '{options.PublicBaseUrl}' must be an absolute https URL (Teams loads card images over https only).");
        }

        var mailTo = options.MailTo.Where(a => !string.IsNullOrWhiteSpace(a)).ToList();
        if (mailTo.Count > 0 && string.IsNullOrWhiteSpace(options.MailFrom))
        {
            errors.Add("Summaries:MailTo is set but Summaries:MailFrom is empty: name the mailbox the summary is sent from.");
        }

        foreach (var address in mailTo.Where(a => !System.Net.Mail.MailAddress.TryCreate(a.Trim(), out _)))
        {
            errors.Add($"Summaries:MailTo '{address}' is not an e-mail address.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
