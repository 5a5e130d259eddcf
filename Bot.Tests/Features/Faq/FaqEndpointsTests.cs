using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrisisBot.Features.Experts;
using CrisisBot.Features.Faq;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisBot.Tests.Features.Faq;

/// <summary>The public endpoints in the whole app (WebApplicationFactory, SQLite).</summary>
public sealed partial class FaqEndpointsTests : IDisposable
{
    private const string Xss = "Is <script>alert('x')</script> & \"quoted\" text safe?";
    private readonly CrisisBotFactory _factory = CrisisBotFactory.LocalMode().WithSetting("Faq:Schedule", "");
    private long _nextQuestion;

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Faq_NothingPublished_EveryFormatSaysSo()
    {
        using var client = _factory.CreateClient();

        var html = await client.GetAsync("/faq");
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        Assert.Contains("No answers have been published yet", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(html.Headers.ETag);

        using var json = JsonDocument.Parse(await client.GetStringAsync("/faq.json"));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("version").ValueKind);
        Assert.Equal(0, json.RootElement.GetProperty("products").GetArrayLength());
        Assert.Contains("Nothing has been published yet", await client.GetStringAsync("/faq.md"), StringComparison.Ordinal);
        Assert.Contains("No version has been published yet", await client.GetStringAsync("/faq/history"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Faq_Html_AccessibleStructureEncodedTextAndCspMatchingTheInlineCode()
    {
        await SeedAsync(("mail", "Mail", "Why are parcels late?", "A storm closed two hubs.\n\nWe expect normal service on Monday."),
            ("travel-insurance", "Travel Insurance", Xss, "Yes: <b>bold</b> stays text."),
            ("mail", "Mail", "Can I post letters to Spain?", "Yes."));
        await PublishAsync();
        using var client = _factory.CreateClient();

        var response = await client.GetAsync("/faq");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        foreach (var landmark in (string[])["<header>", "<nav aria-label=\"FAQ\">", "<main id=\"main\"", "<footer>", "<a class=\"skip\" href=\"#main\">"])
        {
            Assert.Contains(landmark, html, StringComparison.Ordinal);
        }

        Assert.Single(Regex.Matches(html, "<h1>"));
        Assert.Equal(["Mail", "Travel Insurance"], H2().Matches(html).Select(m => m.Groups[1].Value));
        Assert.Contains("<label for=\"faq-filter\">", html, StringComparison.Ordinal);
        Assert.Contains("role=\"status\" aria-live=\"polite\">Showing all 3 answers.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p>A storm closed two hubs.</p>\n<p>We expect normal service on Monday.</p>", html, StringComparison.Ordinal);

        // Untrusted text is text: one <script> element (ours), the question's markup encoded.
        Assert.Single(Regex.Matches(html, "<script>"));
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold</b>", html, StringComparison.Ordinal);
        Assert.Contains("Is &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot; text safe?", html, StringComparison.Ordinal);

        // CSP: nothing external; the inline style and script are allowed by their exact hashes.
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains($"style-src '{Hash(Between(html, "<style>", "</style>"))}'", csp, StringComparison.Ordinal);
        Assert.Contains($"script-src '{Hash(Between(html, "<script>", "</script>"))}'", csp, StringComparison.Ordinal);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task Faq_QueryWithoutJavaScript_HidesNonMatchingEntriesAndEmptyProducts()
    {
        await SeedAsync(("mail", "Mail", "Why are parcels late?", "Storm."), ("travel-insurance", "Travel Insurance", "Is a strike covered?", "Yes."));
        await PublishAsync();
        using var client = _factory.CreateClient();

        var html = await client.GetStringAsync("/faq?q=PARCELS%20storm");

        Assert.Contains("1 of 2 answers match.", html, StringComparison.Ordinal);
        Assert.Matches("<section class=\"product\" id=\"p-travel-insurance\"[^>]* hidden>", html);
        Assert.Matches("<article class=\"entry\" id=\"q\\d+\"[^>]*data-product=\"Travel Insurance\" hidden>", html);
        Assert.Matches("<article class=\"entry\" id=\"q\\d+\"[^>]*data-product=\"Mail\">", html);
        Assert.Contains("value=\"PARCELS storm\"", html, StringComparison.Ordinal);
        Assert.Contains("No answer matches your filter", await client.GetStringAsync("/faq?q=zebra"), StringComparison.Ordinal);
        Assert.Matches("<p id=\"faq-none\">", await client.GetStringAsync("/faq?q=zebra"));
    }

    [Fact]
    public async Task FaqJsonAndMarkdown_ContentTypesStructureAndEscaping()
    {
        await SeedAsync(("travel-insurance", "Travel Insurance", Xss, "Covered *if* bought [before](http://evil.test) the strike."));
        await PublishAsync();
        using var client = _factory.CreateClient();

        var json = await client.GetAsync("/faq.json");
        Assert.Equal("application/json", json.Content.Headers.ContentType!.MediaType);
        Assert.Equal("*", Assert.Single(json.Headers.GetValues("Access-Control-Allow-Origin")));
        var text = await json.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.True(root.GetProperty("current").GetBoolean());
        Assert.Equal("admin", root.GetProperty("publishedOn").GetString());
        var product = Assert.Single(root.GetProperty("products").EnumerateArray().ToList());
        Assert.Equal("travel-insurance", product.GetProperty("key").GetString());
        var entry = Assert.Single(product.GetProperty("entries").EnumerateArray().ToList());
        Assert.Equal(Xss, entry.GetProperty("question").GetString());
        Assert.StartsWith("q", entry.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/faq/history", root.GetProperty("links").GetProperty("history").GetString(), StringComparison.Ordinal);

        var md = await client.GetAsync("/faq.md");
        Assert.Equal("text/markdown", md.Content.Headers.ContentType!.MediaType);
        var markdown = await md.Content.ReadAsStringAsync();
        Assert.Contains("## Travel Insurance", markdown, StringComparison.Ordinal);
        Assert.Contains("### Is &lt;script&gt;alert\\('x'\\)&lt;/script&gt; &amp; \"quoted\" text safe?", markdown, StringComparison.Ordinal);
        Assert.Contains("Covered \\*if\\* bought \\[before\\]\\(http://evil\\.test\\) the strike\\.", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Faq_ConditionalRequests_304UntilANewVersion()
    {
        await SeedAsync(("mail", "Mail", "Why are parcels late?", "Storm."));
        await PublishAsync();
        using var client = _factory.CreateClient();

        foreach (var path in (string[])["/faq", "/faq.json", "/faq.md", "/faq/history", "/faq/v/1"])
        {
            var first = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var etag = first.Headers.ETag!;
            Assert.NotNull(first.Content.Headers.LastModified);
            Assert.Contains("public", first.Headers.CacheControl!.ToString(), StringComparison.Ordinal);

            using var byTag = new HttpRequestMessage(HttpMethod.Get, path);
            byTag.Headers.IfNoneMatch.Add(etag);
            var notModified = await client.SendAsync(byTag);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
            Assert.Equal(etag, notModified.Headers.ETag);

            using var byDate = new HttpRequestMessage(HttpMethod.Get, path);
            byDate.Headers.IfModifiedSince = first.Content.Headers.LastModified;
            Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(byDate)).StatusCode);

            using var otherTag = new HttpRequestMessage(HttpMethod.Get, path);
            otherTag.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(otherTag)).StatusCode);
        }

        var before = (await client.GetAsync("/faq")).Headers.ETag!;
        await SeedAsync(("mail", "Mail", "Can I post letters to Spain?", "Yes."));
        await PublishAsync();
        using var stale = new HttpRequestMessage(HttpMethod.Get, "/faq");
        stale.Headers.IfNoneMatch.Add(before);
        var fresh = await client.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.NotEqual(before, fresh.Headers.ETag);
        Assert.Contains("letters to Spain", await fresh.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var head = new HttpRequestMessage(HttpMethod.Head, "/faq.json");
        var headResponse = await client.SendAsync(head);
        Assert.Equal(HttpStatusCode.OK, headResponse.StatusCode);
        Assert.True(headResponse.Content.Headers.ContentLength > 0);
        Assert.Empty(await headResponse.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task History_AndOldVersions_ListedLinkedAndUnchanged()
    {
        await SeedAsync(("mail", "Mail", "Why are parcels late?", "Storm."));
        await PublishAsync();
        await SeedAsync(("mail", "Mail", "Can I post letters to Spain?", "Yes."));
        await PublishAsync();
        using var client = _factory.CreateClient();

        var history = await client.GetStringAsync("/faq/history");
        Assert.Contains("<a href=\"/faq/v/2\">Version 2</a> (current)", history, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/faq/v/1\">Version 1</a>", history, StringComparison.Ordinal);
        Assert.Contains("href=\"/faq/v/1.json\"", history, StringComparison.Ordinal);
        Assert.Contains("href=\"/faq/v/1.md\"", history, StringComparison.Ordinal);
        Assert.True(history.IndexOf("Version 2", StringComparison.Ordinal) < history.IndexOf("Version 1", StringComparison.Ordinal));
        using var historyJson = JsonDocument.Parse(await client.GetStringAsync("/faq/history.json"));
        Assert.Equal([2, 1], historyJson.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

        var old = await client.GetAsync("/faq/v/1");
        var oldHtml = await old.Content.ReadAsStringAsync();
        Assert.Contains("This is an older version of the FAQ", oldHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("letters to Spain", oldHtml, StringComparison.Ordinal);
        Assert.Contains("max-age=86400", old.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        using var oldJson = JsonDocument.Parse(await client.GetStringAsync("/faq/v/1.json"));
        Assert.Equal(1, oldJson.RootElement.GetProperty("version").GetInt32());
        Assert.False(oldJson.RootElement.GetProperty("current").GetBoolean());
        Assert.Contains("# Frequently asked questions (version 1)", await client.GetStringAsync("/faq/v/1.md"), StringComparison.Ordinal);
        Assert.DoesNotContain("older version", await client.GetStringAsync("/faq/v/2"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_MoreVersionsThanAPage_PagedNewestFirstWithLinksBothWays()
    {
        _factory.WithSetting("Faq:HistoryPageSize", "5");
        for (var i = 1; i <= 6; i++)
        {
            await SeedAsync(("mail", "Mail", $"Question number {i}?", "Answer."));
            await PublishAsync();
        }

        using var client = _factory.CreateClient();

        var first = await client.GetStringAsync("/faq/history");
        Assert.Contains("<caption>6 versions, page 1 of 2</caption>", first, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/faq/v/6\">Version 6</a> (current)", first, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/faq/v/2\">Version 2</a>", first, StringComparison.Ordinal);
        Assert.DoesNotContain("<a href=\"/faq/v/1\">", first, StringComparison.Ordinal);
        Assert.Contains("<a rel=\"next\" href=\"/faq/history?page=2\">Older versions</a>", first, StringComparison.Ordinal);
        Assert.DoesNotContain("rel=\"prev\"", first, StringComparison.Ordinal);

        var second = await client.GetStringAsync("/faq/history?page=2");
        Assert.Contains("<caption>6 versions, page 2 of 2</caption>", second, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/faq/v/1\">Version 1</a></th>", second, StringComparison.Ordinal);
        Assert.DoesNotContain("Version 2</a>", second, StringComparison.Ordinal);
        Assert.DoesNotContain("(current)", second, StringComparison.Ordinal);
        Assert.Contains("<a rel=\"prev\" href=\"/faq/history\">Newer versions</a>", second, StringComparison.Ordinal);
        Assert.DoesNotContain("rel=\"next\"", second, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(await client.GetStringAsync("/faq/history.json?page=2"));
        var root = json.RootElement;
        Assert.Equal([1], root.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(2, root.GetProperty("page").GetInt32());
        Assert.Equal(2, root.GetProperty("pageCount").GetInt32());
        Assert.Equal(6, root.GetProperty("totalVersions").GetInt32());
        Assert.EndsWith("/faq/history.json", root.GetProperty("links").GetProperty("previous").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("links").GetProperty("next").ValueKind);
        using var firstJson = JsonDocument.Parse(await client.GetStringAsync("/faq/history.json"));
        Assert.Equal([6, 5, 4, 3, 2], firstJson.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.EndsWith("/faq/history.json?page=2", firstJson.RootElement.GetProperty("links").GetProperty("next").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/faq/history?page=3", HttpStatusCode.NotFound, "text/html", "History page 3 does not exist: the history has one page.")]
    [InlineData("/faq/history.json?page=3", HttpStatusCode.NotFound, "application/problem+json", "History page 3 does not exist")]
    [InlineData("/faq/history?page=0", HttpStatusCode.BadRequest, "text/html", "&#x27;0&#x27; is not a history page number")]
    [InlineData("/faq/history.json?page=-1", HttpStatusCode.BadRequest, "application/problem+json", "'-1' is not a history page number")]
    [InlineData("/faq/history.json?page=two", HttpStatusCode.BadRequest, "application/problem+json", "'two' is not a history page number")]
    public async Task History_BadOrMissingPage_ClearError(string path, HttpStatusCode status, string mediaType, string message)
    {
        await SeedAsync(("mail", "Mail", "Why are parcels late?", "Storm."));
        await PublishAsync();
        using var client = _factory.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        if (mediaType == "application/problem+json")
        {
            using var problem = JsonDocument.Parse(body);
            Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
            body = problem.RootElement.GetProperty("detail").GetString()!;
        }

        Assert.Contains(message, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/faq/v/9", "text/html", "FAQ version 9 does not exist. Only version 1 is published")]
    [InlineData("/faq/v/9.json", "application/problem+json", "FAQ version 9 does not exist.")]
    [InlineData("/faq/v/9.md", "text/markdown", "FAQ version 9 does not exist\\.")]
    [InlineData("/faq/v/0", "text/html", "&#x27;0&#x27; is not a FAQ version number")]
    [InlineData("/faq/v/abc.json", "application/problem+json", "'abc' is not a FAQ version number")]
    [InlineData("/faq/v/%3Cb%3E", "text/html", "&#x27;&lt;b&gt;&#x27; is not a FAQ version number")]
    public async Task Version_Unknown_404WithAClearMessage(string path, string mediaType, string message)
    {
        await SeedAsync(("mail", "Mail", "Why are parcels late?", "Storm."));
        await PublishAsync();
        using var client = _factory.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        if (mediaType == "application/problem+json")
        {
            using var problem = JsonDocument.Parse(body);
            Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
            body = problem.RootElement.GetProperty("detail").GetString()!;
        }

        Assert.Contains(message, body, StringComparison.Ordinal);
    }

    // ───────── helpers ─────────

    private async Task SeedAsync(params (string Product, string Name, string Question, string Reply)[] answers)
    {
        var contexts = _factory.Services.GetRequiredService<IDbContextFactory<CrisisDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        foreach (var (product, name, text, reply) in answers)
        {
            var question = new ExpertQuestion
            {
                ProductKey = product, Text = text, Terms = "", Status = QuestionStatus.Approved, AskedById = "seed", AskedByName = "Seed",
                AskedAt = DateTimeOffset.UtcNow, ChannelId = "19:c@thread.tacv2", ServiceUrl = "https://smba.trafficmanager.net/emea/", TenantId = "t",
            };
            db.Add(question);
            await db.SaveChangesAsync();
            db.Add(new LibraryEntry
            {
                QuestionId = question.Id, ProductKey = product, ProductName = name, Question = text, CustomerReply = reply, ShortReply = "Short " + ++_nextQuestion,
                AddToFaq = true, Version = 1, Status = LibraryEntryStatus.Active, ApprovedBy = "Seed", ApprovedAt = DateTimeOffset.UtcNow, ReviewBy = DateTimeOffset.UtcNow.AddDays(14),
            });
            await db.SaveChangesAsync();
        }
    }

    private async Task PublishAsync()
    {
        var result = await _factory.Services.GetRequiredService<FaqPublisher>().PublishAsync(FaqTrigger.Admin, "test");
        Assert.True(result.Created);
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    private static string Hash(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex("<h2 id=\"p-[^\"]+-h\">([^<]*)</h2>")]
    private static partial Regex H2();
}
