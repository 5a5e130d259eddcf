using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace CrisisBot.Features.Faq;

/// <summary>GET /faq.json (and /faq/v/{n}.json): one version, products in order with their entries.</summary>
public sealed record FaqDocument(
    int? Version,
    DateTimeOffset? AsOf,
    string? PublishedOn,
    bool Current,
    int EntryCount,
    IReadOnlyList<FaqProductDocument> Products,
    FaqDocumentLinks Links);

public sealed record FaqProductDocument(string Key, string Name, IReadOnlyList<FaqEntryDocument> Entries);

/// <summary>One answer; <see cref="Id"/> (<c>q{question}</c>) is stable across versions and is the HTML anchor.</summary>
public sealed record FaqEntryDocument(
    string Id,
    string Question,
    string CustomerReply,
    string ShortReply,
    long LibraryEntryId,
    int LibraryVersion,
    DateTimeOffset ApprovedAt,
    DateTimeOffset ReviewedAt);

public sealed record FaqDocumentLinks(string Html, string Json, string Markdown, string History);

/// <summary>GET /faq/history.json[?page=N]: one page of versions, newest first.</summary>
public sealed record FaqHistoryDocument(IReadOnlyList<FaqHistoryItem> Versions, int Page, int PageCount, int TotalVersions, FaqHistoryLinks Links);

/// <summary>Absolute URLs of the neighbouring history pages (null at either end).</summary>
public sealed record FaqHistoryLinks(string First, string? Previous, string? Next, string Last);

public sealed record FaqHistoryItem(int Version, DateTimeOffset AsOf, string PublishedOn, int EntryCount, bool Current, FaqDocumentLinks Links);

/// <summary>An RFC 9457 problem body (404 of /faq/v/{n}.json).</summary>
public sealed record FaqProblem(string Type, string Title, int Status, string Detail);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(FaqDocument))]
[JsonSerializable(typeof(FaqHistoryDocument))]
[JsonSerializable(typeof(FaqProblem))]
internal sealed partial class FaqJsonContext : JsonSerializerContext;

/// <summary>Builds the JSON and Markdown forms of a page.</summary>
internal static class FaqDocuments
{
    public static string TriggerName(FaqTrigger trigger) => trigger.ToString().ToLowerInvariant();

    public static FaqDocumentLinks Links(string baseUrl, int? number, bool current)
    {
        var path = current || number is null ? baseUrl + "/faq" : baseUrl + "/faq/v/" + number.Value.ToString(CultureInfo.InvariantCulture);
        return new FaqDocumentLinks(path, path + ".json", path + ".md", baseUrl + "/faq/history");
    }

    public static FaqDocument Json(FaqPage page, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(page);
        var products = FaqHtml.Group(page.Entries)
            .Select(p => new FaqProductDocument(p.Entries[0].ProductKey, p.Name, [.. p.Entries.Select(e =>
                new FaqEntryDocument(e.Anchor, e.Question, e.CustomerReply, e.ShortReply, e.LibraryEntryId, e.LibraryVersion, e.ApprovedAt, e.ReviewedAt))]))
            .ToList();
        var v = page.Version;
        return new FaqDocument(v?.Number, v?.PublishedAt, v is null ? null : TriggerName(v.Trigger), page.IsLatest, page.Entries.Count, products,
            Links(baseUrl, v?.Number, page.IsLatest));
    }

    public static FaqHistoryDocument History(FaqHistoryPage page, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(page);
        string Url(int n) => baseUrl + "/faq/history.json" + (n == 1 ? "" : "?page=" + n.ToString(CultureInfo.InvariantCulture));
        return new FaqHistoryDocument(
            [.. page.Versions.Select(v => new FaqHistoryItem(v.Number, v.PublishedAt, TriggerName(v.Trigger), v.EntryCount, v.Number == page.LatestNumber,
                Links(baseUrl, v.Number, current: false)))],
            page.Page, page.PageCount, page.TotalVersions,
            new FaqHistoryLinks(Url(1), page.Page > 1 ? Url(page.Page - 1) : null, page.Page < page.PageCount ? Url(page.Page + 1) : null, Url(page.PageCount)));
    }

    /// <summary>CommonMark: one h2 per product, one h3 per question; every text escaped (no raw HTML, links or emphasis get through).</summary>
    public static string Markdown(FaqPage page, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(page);
        var md = new StringBuilder(8_192);
        var v = page.Version;
        md.Append("# Frequently asked questions");
        if (v is not null && !page.IsLatest)
        {
            md.Append(" (version ").Append(v.Number.ToString(CultureInfo.InvariantCulture)).Append(')');
        }

        md.Append("\n\n");
        if (v is null)
        {
            md.Append("Nothing has been published yet.\n");
            return md.ToString();
        }

        var links = Links(baseUrl, v.Number, page.IsLatest);
        md.Append("As of ").Append(Escape(FaqFormat.Time(v.PublishedAt, page.Zone))).Append(" (version ").Append(v.Number.ToString(CultureInfo.InvariantCulture))
            .Append("). Also as [HTML](<").Append(links.Html).Append(">) and [JSON](<").Append(links.Json).Append(">); [all versions](<").Append(links.History).Append(">).\n");
        if (page.Entries.Count == 0)
        {
            md.Append("\nThere are no answers in this version.\n");
        }

        foreach (var (_, name, entries) in FaqHtml.Group(page.Entries))
        {
            md.Append("\n## ").Append(Escape(OneLine(name))).Append('\n');
            foreach (var e in entries)
            {
                md.Append("\n### ").Append(Escape(OneLine(e.Question))).Append("\n\n");
                foreach (var line in e.CustomerReply.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
                {
                    md.Append(Escape(line.TrimEnd())).Append('\n');
                }

                if (!string.Equals(e.ShortReply.Trim(), e.CustomerReply.Trim(), StringComparison.Ordinal))
                {
                    md.Append("\n**In short:** ").Append(Escape(OneLine(e.ShortReply))).Append('\n');
                }

                md.Append("\n*Approved ").Append(Escape(FaqFormat.Date(e.ApprovedAt, page.Zone))).Append(".*\n");
            }
        }

        return md.ToString();
    }

    /// <summary>Escapes Markdown punctuation with backslashes and HTML's &lt; &gt; &amp; as entities.</summary>
    internal static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '&': escaped.Append("&amp;"); break;
                case '\\' or '`' or '*' or '_' or '{' or '}' or '[' or ']' or '(' or ')' or '#' or '+' or '-' or '.' or '!' or '|' or '~':
                    escaped.Append('\\').Append(c);
                    break;
                default: escaped.Append(c); break;
            }
        }

        return escaped.ToString();
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
