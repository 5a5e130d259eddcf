using System.Text.Json.Nodes;
using CrisisBot.Features.Summaries;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Tests.Infrastructure.Graph;

namespace CrisisBot.Tests.Features.Summaries;

/// <summary>The e-mail copy through Graph sendMail against the local recorded contract (<see cref="FakeGraphServer"/>).</summary>
public sealed class SummaryMailTests : IAsyncLifetime
{
    private FakeGraphServer _graph = null!;

    public async Task InitializeAsync() => _graph = await FakeGraphServer.StartAsync();

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    private static readonly JsonNodeOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    private static Dictionary<string, string?> Mail => new()
    {
        ["Summaries:MailFrom"] = FakeGraphServer.MailSender,
        ["Summaries:MailTo:0"] = "ceo@contoso.example",
        ["Summaries:MailTo:1"] = "leaders@contoso.example",
    };

    [Fact]
    public async Task Summary_InLeadershipChannelWithGraph_SendsHtmlWithTheChartInline()
    {
        await using var host = await SummaryTestHost.StartAsync(_graph, extra: Mail);
        await using (var db = await host.ContextAsync())
        {
            await SummaryDataSet.SeedAsync(db, SummaryTestHost.Start);
        }

        await host.LinkLeadershipChannelAsync();

        await host.RunAsync(SummaryTestHost.InChannel("summary"));

        Assert.True(_graph.Violations.IsEmpty, string.Join("; ", _graph.Violations));
        var send = Assert.Single(_graph.Requests, r => r.Path.EndsWith("/sendMail", StringComparison.Ordinal));
        Assert.Equal($"/v1.0/users/{FakeGraphServer.MailSender}/sendMail", send.Path);
        Assert.Equal("Bearer graph-token-1", send.Authorization);
        var message = JsonNode.Parse(send.Body, CaseInsensitive)!["message"]!;
        Assert.StartsWith("CrisisBot summary: Last 24 hours to 2026-11-22 12:00", (string)message["subject"]!, StringComparison.Ordinal);
        Assert.Equal("html", ((string)message["body"]!["contentType"]!).ToLowerInvariant());
        var html = (string)message["body"]!["content"]!;
        Assert.Contains("<img src=\"cid:volume-chart\"", html, StringComparison.Ordinal);
        Assert.Contains("12 (same period a week before: 3)", html, StringComparison.Ordinal);
        Assert.Contains("Flights cancelled strike", html, StringComparison.Ordinal);
        Assert.Equal(["ceo@contoso.example", "leaders@contoso.example"], message["toRecipients"]!.AsArray().Select(r => (string)r!["emailAddress"]!["address"]!));
        var attachment = Assert.Single(message["attachments"]!.AsArray())!;
        Assert.Equal("#microsoft.graph.fileAttachment", (string)attachment["@odata.type"]!);
        Assert.Equal("volume-chart", (string)attachment["contentId"]!);
        Assert.True((bool)attachment["isInline"]!);
        Assert.Equal("image/png", (string)attachment["contentType"]!);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], Convert.FromBase64String((string)attachment["contentBytes"]!)[..4]);
        Assert.False((bool)JsonNode.Parse(send.Body, CaseInsensitive)!["saveToSentItems"]!);

        var summary = Assert.Single(await host.RowsAsync<StoredSummary>());
        Assert.Equal(SummaryTestHost.Start, summary.MailedAt);
        Assert.Null(summary.MailNote);
        Assert.Contains("e-mail copy sent to 2 recipients", host.Replies.Single().Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_GraphAnswers403_StillPostsAndNamesMailSend()
    {
        _graph.EnqueueMailAnswer(403, FakeGraphServer.InsufficientPrivilegesBody);
        await using var host = await SummaryTestHost.StartAsync(_graph, extra: Mail);
        await host.LinkLeadershipChannelAsync();

        await host.RunAsync(SummaryTestHost.InChannel("summary"));

        var summary = Assert.Single(await host.RowsAsync<StoredSummary>());
        Assert.Single(await host.RowsAsync<OutboxMessage>(), m => m.CardId == summary.CardId);
        Assert.Null(summary.MailedAt);
        Assert.Contains("Mail.Send", summary.MailNote, StringComparison.Ordinal);
        Assert.Contains("Mail.Send", host.Replies.Single().Text, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 1404 && e.Message.Contains("Mail.Send", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Summary_MailConfiguredWithoutGraph_PostsAndSaysWhyNoMail()
    {
        await using var host = await SummaryTestHost.StartAsync(extra: Mail);
        await host.LinkLeadershipChannelAsync();

        await host.RunAsync(SummaryTestHost.InChannel("summary"));

        var summary = Assert.Single(await host.RowsAsync<StoredSummary>());
        Assert.Single(await host.RowsAsync<OutboxMessage>(), m => m.CardId == summary.CardId);
        Assert.Contains("Microsoft Graph is not configured", summary.MailNote, StringComparison.Ordinal);
        Assert.Contains("Microsoft Graph is not configured", host.Replies.Single().Text, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 1403);
        Assert.Empty(_graph.Requests);
    }
}
