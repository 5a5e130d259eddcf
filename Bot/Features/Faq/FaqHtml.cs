using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace CrisisBot.Features.Faq;

/// <summary>What a page shows: a version (null before the first publish) and its entries.</summary>
internal sealed record FaqPage(FaqVersion? Version, IReadOnlyList<FaqEntry> Entries, int? LatestNumber, string PathBase, TimeZoneInfo Zone)
{
    public bool IsLatest => Version is null || Version.Number == LatestNumber;
}

/// <summary>One page of the history: <see cref="Page"/> of <see cref="PageCount"/> (1 = newest; 1 of 1 when nothing is published).</summary>
internal sealed record FaqHistoryPage(IReadOnlyList<FaqVersion> Versions, int Page, int PageCount, int TotalVersions, int? LatestNumber);

/// <summary>
/// The accessible HTML of the public FAQ: landmarks (header, nav, main, footer), a skip link, one h2 per product, a labelled
/// filter that works without JavaScript (a GET form, filtered on the server) and with it (hides entries as you type and
/// announces the count through an aria-live region). Every text is HTML-encoded; CSS and JS are inline and allowed by
/// their hashes in the Content-Security-Policy, nothing is loaded from elsewhere.
/// </summary>
internal static class FaqHtml
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    internal const string Css = """
        :root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#4a4a4a;--link:#0b57d0;--line:#d0d0d0;--card:#f6f7f9;--focus:#b3261e}
        @media (prefers-color-scheme:dark){:root{--fg:#ececec;--bg:#121212;--muted:#bdbdbd;--link:#8ab4f8;--line:#3c3c3c;--card:#1e1f22;--focus:#ffb4ab}}
        *{box-sizing:border-box}
        html{font-size:100%}
        body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;line-height:1.55;color:var(--fg);background:var(--bg)}
        header,nav,main,footer{max-width:52rem;margin:0 auto;padding:0 1.25rem}
        header{padding-top:1.5rem}
        h1{font-size:1.9rem;line-height:1.2;margin:.5rem 0}
        h2{font-size:1.45rem;margin:2rem 0 .75rem;padding-bottom:.25rem;border-bottom:2px solid var(--line)}
        h3{font-size:1.1rem;margin:0 0 .5rem}
        a{color:var(--link)}
        a:focus-visible,button:focus-visible,input:focus-visible,main:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
        .skip{position:absolute;left:-999rem;top:.5rem;background:var(--bg);color:var(--link);padding:.5rem 1rem;border:2px solid var(--focus);z-index:1}
        .skip:focus{left:.5rem}
        .asof,.meta,footer{color:var(--muted)}
        .note{border-left:4px solid var(--focus);padding:.5rem 1rem;background:var(--card)}
        nav ul{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
        .search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin:1.25rem 0 .25rem}
        .search label{flex-basis:100%;font-weight:600}
        .search input{flex:1 1 16rem;min-width:0;font:inherit;padding:.5rem .75rem;border:2px solid var(--muted);border-radius:.25rem;background:var(--bg);color:var(--fg)}
        .search button{font:inherit;padding:.5rem 1rem;border:2px solid var(--link);border-radius:.25rem;background:var(--link);color:var(--bg);cursor:pointer}
        .entry{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1rem 1.25rem;margin:0 0 1rem}
        .entry p{margin:.5rem 0}
        .meta{font-size:.9rem}
        table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:.5rem;border-bottom:1px solid var(--line);vertical-align:top}
        footer{margin-top:3rem;padding-bottom:2rem;border-top:1px solid var(--line);padding-top:1rem;font-size:.9rem}
        [hidden]{display:none!important}
        @media (max-width:36rem){h1{font-size:1.5rem}h2{font-size:1.25rem}.entry{padding:.75rem}th,td{padding:.35rem}}
        """;

    internal const string Script = """
        (function () {
          var input = document.getElementById('faq-filter');
          if (!input) { return; }
          var entries = Array.prototype.slice.call(document.querySelectorAll('.entry'));
          var sections = Array.prototype.slice.call(document.querySelectorAll('.product'));
          var status = document.getElementById('faq-count');
          var none = document.getElementById('faq-none');
          function fold(s) { return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(); }
          function answers(n) { return n === 1 ? '1 answer' : n + ' answers'; }
          var texts = entries.map(function (e) { return fold(e.textContent + ' ' + (e.getAttribute('data-product') || '')); });
          var timer;
          function apply() {
            var words = fold(input.value).split(/\s+/).filter(Boolean);
            var shown = 0;
            entries.forEach(function (e, i) {
              var match = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
              e.hidden = !match;
              if (match) { shown++; }
            });
            sections.forEach(function (s) { s.hidden = !s.querySelector('.entry:not([hidden])'); });
            none.hidden = shown > 0;
            status.textContent = words.length === 0 ? 'Showing all ' + answers(entries.length) + '.' : shown + ' of ' + answers(entries.length) + ' match.';
          }
          input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
          input.form.addEventListener('submit', function (ev) { ev.preventDefault(); clearTimeout(timer); apply(); });
        })();
        """;

    internal static readonly string CssHash = Sha256(Css);
    internal static readonly string ScriptHash = Sha256(Script);

    /// <summary>The Content-Security-Policy of the FAQ pages: nothing but the inline style and script above.</summary>
    internal static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src '{CssHash}'; script-src '{ScriptHash}'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static string Encode(string text) => Encoder.Encode(text);

    /// <summary>The FAQ page; <paramref name="query"/> (the no-JavaScript filter) hides the entries that do not match.</summary>
    public static string Page(FaqPage page, string? query)
    {
        ArgumentNullException.ThrowIfNull(page);
        var html = new StringBuilder(16_384);
        var version = page.Version;
        var title = version is null || page.IsLatest ? "Frequently asked questions" : $"Frequently asked questions (version {Num(version.Number)})";
        Head(html, title, page.PathBase);
        html.Append("<header>\n<h1>").Append(Encode(title)).Append("</h1>\n");
        if (version is null)
        {
            html.Append("<p class=\"asof\">Nothing has been published yet.</p>\n");
        }
        else
        {
            html.Append("<p class=\"asof\">Answers as of ").Append(TimeTag(version.PublishedAt, page.Zone)).Append(" · version ").Append(Num(version.Number)).Append("</p>\n");
            if (!page.IsLatest)
            {
                html.Append("<p class=\"note\" role=\"note\">This is an older version of the FAQ, kept for reference. <a href=\"")
                    .Append(Encode(page.PathBase + "/faq")).Append("\">See the current answers</a>.</p>\n");
            }
        }

        html.Append("</header>\n");
        var products = Group(page.Entries);
        html.Append("<nav aria-label=\"FAQ\">\n");
        if (products.Count > 0)
        {
            html.Append("<ul aria-label=\"Products\">\n");
            foreach (var (id, name, entries) in products)
            {
                html.Append("<li><a href=\"#").Append(id).Append("\">").Append(Encode(name)).Append("</a> (").Append(Num(entries.Count)).Append(")</li>\n");
            }

            html.Append("</ul>\n");
        }

        Formats(html, page);
        html.Append("</nav>\n<main id=\"main\" tabindex=\"-1\">\n");
        if (page.Entries.Count == 0)
        {
            html.Append(version is null
                ? "<p>No answers have been published yet. Approved answers to customers' questions will appear here.</p>\n"
                : "<p>There are no answers in this version of the FAQ.</p>\n");
        }
        else
        {
            var words = Words(query);
            var shown = page.Entries.Count(e => Matches(e, words));
            var action = page.PathBase + (page.IsLatest ? "/faq" : "/faq/v/" + Num(version!.Number));
            html.Append("<form class=\"search\" role=\"search\" method=\"get\" action=\"").Append(Encode(action)).Append("\">\n")
                .Append("<label for=\"faq-filter\">Filter the answers</label>\n")
                .Append("<input id=\"faq-filter\" name=\"q\" type=\"search\" autocomplete=\"off\" maxlength=\"200\" aria-describedby=\"faq-count\" value=\"")
                .Append(Encode(query ?? "")).Append("\">\n<button type=\"submit\">Filter</button>\n</form>\n");
            html.Append("<p id=\"faq-count\" role=\"status\" aria-live=\"polite\">").Append(Encode(CountText(words.Count, shown, page.Entries.Count))).Append("</p>\n");
            foreach (var (id, name, entries) in products)
            {
                var visible = entries.Any(e => Matches(e, words));
                html.Append("<section class=\"product\" id=\"").Append(id).Append("\" aria-labelledby=\"").Append(id).Append("-h\"").Append(visible ? "" : " hidden").Append(">\n")
                    .Append("<h2 id=\"").Append(id).Append("-h\">").Append(Encode(name)).Append("</h2>\n");
                foreach (var entry in entries)
                {
                    Entry(html, entry, page.Zone, Matches(entry, words));
                }

                html.Append("</section>\n");
            }

            html.Append("<p id=\"faq-none\"").Append(shown == 0 ? "" : " hidden").Append(">No answer matches your filter. Try fewer or other words.</p>\n");
        }

        html.Append("</main>\n");
        Footer(html, page);
        html.Append("<script>").Append(Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The list of versions.</summary>
    public static string History(FaqHistoryPage page, string pathBase, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(page);
        var versions = page.Versions;
        var html = new StringBuilder(8_192);
        Head(html, page.PageCount > 1 ? "FAQ history, page " + Num(page.Page) + " of " + Num(page.PageCount) : "FAQ history", pathBase);
        html.Append("<header>\n<h1>FAQ history</h1>\n<p class=\"asof\">Every published version of the FAQ, newest first. Each version stays available unchanged.</p>\n</header>\n")
            .Append("<nav aria-label=\"FAQ\">\n<ul>\n<li><a href=\"").Append(Encode(pathBase + "/faq")).Append("\">Current FAQ</a></li>\n</ul>\n</nav>\n")
            .Append("<main id=\"main\" tabindex=\"-1\">\n");
        if (versions.Count == 0)
        {
            html.Append("<p>No version has been published yet.</p>\n");
        }
        else
        {
            html.Append("<table>\n<caption>").Append(Num(page.TotalVersions)).Append(page.TotalVersions == 1 ? " version" : " versions");
            if (page.PageCount > 1)
            {
                html.Append(", page ").Append(Num(page.Page)).Append(" of ").Append(Num(page.PageCount));
            }

            html.Append("</caption>\n")
                .Append("<thead><tr><th scope=\"col\">Version</th><th scope=\"col\">As of</th><th scope=\"col\">Published on</th><th scope=\"col\">Answers</th><th scope=\"col\">Other formats</th></tr></thead>\n<tbody>\n");
            foreach (var v in versions)
            {
                var path = pathBase + "/faq/v/" + Num(v.Number);
                html.Append("<tr><th scope=\"row\"><a href=\"").Append(Encode(path)).Append("\">Version ").Append(Num(v.Number)).Append("</a>")
                    .Append(v.Number == page.LatestNumber ? " (current)" : "").Append("</th><td>").Append(TimeTag(v.PublishedAt, zone)).Append("</td><td>")
                    .Append(Encode(TriggerText(v.Trigger))).Append("</td><td>").Append(Num(v.EntryCount)).Append("</td><td><a href=\"")
                    .Append(Encode(path + ".json")).Append("\">JSON</a> · <a href=\"").Append(Encode(path + ".md")).Append("\">Markdown</a></td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n");
            if (page.PageCount > 1)
            {
                string PageUrl(int n) => pathBase + "/faq/history" + (n == 1 ? "" : "?page=" + Num(n));
                html.Append("<nav aria-label=\"History pages\">\n<ul>\n");
                if (page.Page > 1)
                {
                    html.Append("<li><a rel=\"prev\" href=\"").Append(Encode(PageUrl(page.Page - 1))).Append("\">Newer versions</a></li>\n");
                }

                html.Append("<li aria-current=\"page\">Page ").Append(Num(page.Page)).Append(" of ").Append(Num(page.PageCount)).Append("</li>\n");
                if (page.Page < page.PageCount)
                {
                    html.Append("<li><a rel=\"next\" href=\"").Append(Encode(PageUrl(page.Page + 1))).Append("\">Older versions</a></li>\n");
                }

                html.Append("</ul>\n</nav>\n");
            }
        }

        html.Append("</main>\n<footer>\n<p>Published by CrisisBot. <a href=\"").Append(Encode(pathBase + "/faq")).Append("\">Current FAQ</a></p>\n</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>A 404 page ("FAQ version 9 does not exist…").</summary>
    public static string NotFound(string message, string pathBase, string title = "FAQ version not found")
    {
        var html = new StringBuilder(4_096);
        Head(html, title, pathBase);
        html.Append("<header>\n<h1>").Append(Encode(title)).Append("</h1>\n</header>\n<nav aria-label=\"FAQ\">\n<ul>\n<li><a href=\"").Append(Encode(pathBase + "/faq")).Append("\">Current FAQ</a></li>\n<li><a href=\"")
            .Append(Encode(pathBase + "/faq/history")).Append("\">All versions</a></li>\n</ul>\n</nav>\n<main id=\"main\" tabindex=\"-1\">\n<p>")
            .Append(Encode(message)).Append("</p>\n</main>\n<footer>\n<p>Published by CrisisBot.</p>\n</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Lower-case, accent-free words of a filter (at most 200 characters are used).</summary>
    internal static IReadOnlyList<string> Words(string? query) =>
        string.IsNullOrWhiteSpace(query) ? [] : Fold(query.Length > 200 ? query[..200] : query).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    internal static bool Matches(FaqEntry entry, IReadOnlyList<string> words)
    {
        if (words.Count == 0)
        {
            return true;
        }

        var text = Fold(string.Join(' ', entry.Question, entry.CustomerReply, entry.ShortReply, entry.ProductName));
        return words.All(w => text.Contains(w, StringComparison.Ordinal));
    }

    internal static string CountText(int words, int shown, int total) =>
        words == 0 ? $"Showing all {FaqCommands.Answers(total)}." : $"{Num(shown)} of {FaqCommands.Answers(total)} match.";

    internal static string TriggerText(FaqTrigger trigger) => trigger switch
    {
        FaqTrigger.Approval => "an approved answer",
        FaqTrigger.Retirement => "a withdrawn answer",
        FaqTrigger.Schedule => "the daily schedule",
        FaqTrigger.Admin => "an administrator's request",
        _ => "publish",
    };

    /// <summary>Products in published order with a unique HTML id each.</summary>
    internal static List<(string Id, string Name, List<FaqEntry> Entries)> Group(IReadOnlyList<FaqEntry> entries)
    {
        var groups = new List<(string, string, List<FaqEntry>)>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in entries.GroupBy(e => e.ProductKey))
        {
            var id = "p-" + Slug(group.Key);
            for (var n = 2; !ids.Add(id); n++)
            {
                id = "p-" + Slug(group.Key) + "-" + Num(n);
            }

            groups.Add((id, group.First().ProductName, group.ToList()));
        }

        return groups;
    }

    private static void Head(StringBuilder html, string title, string pathBase)
    {
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
            .Append(Encode(title)).Append("</title>\n<link rel=\"alternate\" type=\"application/json\" href=\"").Append(Encode(pathBase + "/faq.json"))
            .Append("\">\n<link rel=\"alternate\" type=\"text/markdown\" href=\"").Append(Encode(pathBase + "/faq.md"))
            .Append("\">\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to the answers</a>\n");
    }

    private static void Entry(StringBuilder html, FaqEntry entry, TimeZoneInfo zone, bool visible)
    {
        var id = entry.Anchor;
        html.Append("<article class=\"entry\" id=\"").Append(id).Append("\" aria-labelledby=\"").Append(id).Append("-h\" data-product=\"")
            .Append(Encode(entry.ProductName)).Append('"').Append(visible ? "" : " hidden").Append(">\n<h3 id=\"").Append(id).Append("-h\">")
            .Append(Encode(entry.Question)).Append("</h3>\n");
        foreach (var paragraph in Paragraphs(entry.CustomerReply))
        {
            html.Append("<p>").Append(string.Join("<br>", paragraph.Split('\n').Select(line => Encode(line.TrimEnd())))).Append("</p>\n");
        }

        if (!string.IsNullOrWhiteSpace(entry.ShortReply) && !string.Equals(entry.ShortReply.Trim(), entry.CustomerReply.Trim(), StringComparison.Ordinal))
        {
            html.Append("<p><strong>In short:</strong> ").Append(Encode(entry.ShortReply)).Append("</p>\n");
        }

        html.Append("<p class=\"meta\">Approved ").Append(DateTag(entry.ApprovedAt, zone));
        if (FaqFormat.Date(entry.ReviewedAt, zone) != FaqFormat.Date(entry.ApprovedAt, zone))
        {
            html.Append(" · checked again ").Append(DateTag(entry.ReviewedAt, zone));
        }

        html.Append(" · <a href=\"#").Append(id).Append("\">Link to this answer</a></p>\n</article>\n");
    }

    private static void Formats(StringBuilder html, FaqPage page)
    {
        var basePath = page.PathBase + (page.IsLatest || page.Version is null ? "/faq" : "/faq/v/" + Num(page.Version.Number));
        html.Append("<p>Also as <a href=\"").Append(Encode(basePath + ".json")).Append("\">JSON</a> and <a href=\"").Append(Encode(basePath + ".md"))
            .Append("\">Markdown</a> · <a href=\"").Append(Encode(page.PathBase + "/faq/history")).Append("\">All versions</a></p>\n");
    }

    private static void Footer(StringBuilder html, FaqPage page)
    {
        html.Append("<footer>\n<p>");
        if (page.Version is { } v)
        {
            html.Append("Version ").Append(Num(v.Number)).Append(", published ").Append(TimeTag(v.PublishedAt, page.Zone)).Append(" after ")
                .Append(Encode(TriggerText(v.Trigger))).Append(". ");
        }

        html.Append("Every answer here was written by our product experts and approved before publishing. <a href=\"")
            .Append(Encode(page.PathBase + "/faq/history")).Append("\">Earlier versions</a></p>\n</footer>\n");
    }

    private static string[] Paragraphs(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string TimeTag(DateTimeOffset at, TimeZoneInfo zone) =>
        "<time datetime=\"" + FaqFormat.Iso(at) + "\">" + Encode(FaqFormat.Time(at, zone)) + "</time>";

    private static string DateTag(DateTimeOffset at, TimeZoneInfo zone) =>
        "<time datetime=\"" + FaqFormat.Iso(at) + "\">" + Encode(FaqFormat.Date(at, zone)) + "</time>";

    private static string Slug(string key)
    {
        var slug = new StringBuilder(key.Length);
        foreach (var c in key.ToLowerInvariant())
        {
            slug.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' ? c : '-');
        }

        return slug.Length == 0 ? "product" : slug.ToString();
    }

    private static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                folded.Append(c);
            }
        }

        return folded.ToString().ToLowerInvariant();
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Sha256(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
