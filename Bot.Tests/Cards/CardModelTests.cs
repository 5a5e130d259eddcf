using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;

namespace CrisisBot.Tests.Cards;

public class CardModelTests
{
    [Fact]
    public void Serialize_SimpleCard_WritesTypeVersionAndOmitsNulls()
    {
        var card = new AdaptiveCard([new TextBlock("Hello") { Wrap = true }])
        {
            Actions = [new ActionExecute("Go", CardVerbs.HelpRefresh)],
        };

        using var doc = JsonDocument.Parse(CardJson.Serialize(card));
        var root = doc.RootElement;
        Assert.Equal("AdaptiveCard", root.GetProperty("type").GetString());
        Assert.Equal(CardSchema.Version, root.GetProperty("version").GetString());
        Assert.Equal(AdaptiveCard.SchemaUrl, root.GetProperty("$schema").GetString());
        var text = root.GetProperty("body")[0];
        Assert.Equal("TextBlock", text.GetProperty("type").GetString());
        Assert.True(text.GetProperty("wrap").GetBoolean());
        Assert.False(text.TryGetProperty("size", out _));
        Assert.False(root.TryGetProperty("refresh", out _));
        var action = root.GetProperty("actions")[0];
        Assert.Equal("Action.Execute", action.GetProperty("type").GetString());
        Assert.Equal(CardVerbs.HelpRefresh, action.GetProperty("verb").GetString());
    }

    [Fact]
    public void Serialize_Enums_WrittenAsNames()
    {
        var card = new AdaptiveCard([new TextBlock("x") { Size = TextSize.ExtraLarge, Color = TextColor.Attention }]);
        var json = CardJson.Serialize(card);
        Assert.Contains("\"size\":\"ExtraLarge\"", json, StringComparison.Ordinal);
        Assert.Contains("\"color\":\"Attention\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ActionExecute_BlankVerb_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ActionExecute("Go", " "));
        Assert.Throws<ArgumentException>(() => new ActionExecute("Go", "ok") with { Verb = "" });
    }

    [Fact]
    public void InputText_BlankId_Throws()
    {
        Assert.Throws<ArgumentException>(() => new InputText("", "Label"));
        Assert.Throws<ArgumentException>(() => new InputText("id", "Label") with { Id = null });
    }

    [Fact]
    public void ActionSet_SevenActions_Throws()
    {
        var actions = Enumerable.Range(0, 7).Select(i => (CardAction)new ActionExecute($"A{i}", "v")).ToArray();
        var ex = Assert.Throws<ArgumentException>(() => new ActionSet(actions));
        Assert.Contains("at most 6", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new AdaptiveCard([]) { Actions = actions });
    }

    [Fact]
    public void Chart_WithoutFallbackOrData_Throws()
    {
        var fallback = new TextBlock("fallback");
        Assert.Throws<ArgumentNullException>(() => new ChartPie([new ChartSlice("a", 1)], null!));
        Assert.Throws<ArgumentException>(() => new ChartPie([], fallback));
        Assert.Throws<ArgumentException>(() => new ChartPie([new ChartSlice("a", 1)], new ChartPie([new ChartSlice("b", 1)], fallback)));
    }

    [Fact]
    public void Chart_Serialize_WritesDottedTypeAndFallback()
    {
        var chart = new ChartLine([new ChartSeries("Posts", [new ChartPoint("09:00", 12)])], new TextBlock("12 posts"));
        using var doc = JsonDocument.Parse(CardJson.Serialize(new AdaptiveCard([chart])));
        var element = doc.RootElement.GetProperty("body")[0];
        Assert.Equal("Chart.Line", element.GetProperty("type").GetString());
        Assert.Equal("TextBlock", element.GetProperty("fallback").GetProperty("type").GetString());
        Assert.Equal(12, element.GetProperty("data")[0].GetProperty("values")[0].GetProperty("y").GetDouble());
    }

    [Fact]
    public void CardRefresh_For_TruncatesTo60DistinctIds()
    {
        var ids = Enumerable.Range(0, 100).Select(i => $"29:user-{i % 80}").Append("").ToArray();
        var refresh = CardRefresh.For(new ActionExecute("Refresh", "v"), ids);
        Assert.Equal(60, refresh.UserIds.Count);
        Assert.Equal(refresh.UserIds.Count, refresh.UserIds.Distinct().Count());
        Assert.Throws<ArgumentException>(() => new CardRefresh(new ActionExecute("Refresh", "v"), ids.Take(61).ToArray()));
    }

    [Fact]
    public void Refresh_Serialize_ActionHasTypeDiscriminator()
    {
        var card = new AdaptiveCard([new TextBlock("x")])
        {
            Refresh = CardRefresh.For(new ActionExecute("Refresh", CardVerbs.StatusRefresh), ["29:a"]),
        };
        using var doc = JsonDocument.Parse(CardJson.Serialize(card));
        var refresh = doc.RootElement.GetProperty("refresh");
        Assert.Equal("Action.Execute", refresh.GetProperty("action").GetProperty("type").GetString());
        Assert.Equal("29:a", refresh.GetProperty("userIds")[0].GetString());
    }

    [Fact]
    public void Validate_DuplicateIdsAndUnlabelledRequiredInput_Throws()
    {
        var card = new AdaptiveCard([
            new InputText("a", "A") { IsRequired = true },
            new TextBlock("x") { Id = "a" },
        ]);
        var problems = CardValidation.Problems(card);
        Assert.Contains(problems, p => p.Contains("duplicate id 'a'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("errorMessage", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => CardJson.Serialize(card));
    }

    [Fact]
    public void Validate_ToggleTargetMissingAndUnusedMention_Throws()
    {
        var card = new AdaptiveCard([new TextBlock("hello")])
        {
            Actions = [new ActionToggleVisibility("Show", ["nope"])],
            MsTeams = TeamsCardProperties.FullWidth([new CardMention("29:x", "Dana")]),
        };
        var problems = CardValidation.Problems(card);
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Mention_NameWithAngleBrackets_IsCleaned()
    {
        var mention = new CardMention("29:x", "<b>Eve</at><at>CEO");
        Assert.Equal("<at>bEve/atatCEO</at>", mention.Text);
    }

    [Fact]
    public void OpenUrl_HttpOrRelative_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ActionOpenUrl("Open", new Uri("http://example.com")));
        Assert.Throws<ArgumentException>(() => new ActionOpenUrl("Open", new Uri("/relative", UriKind.Relative)));
        Assert.Equal("https://example.com/", new ActionOpenUrl("Open", new Uri("https://example.com")).Url.AbsoluteUri);
    }

    [Fact]
    public void Table_RowWithWrongCellCount_Throws()
    {
        var cell = new TableCell([new TextBlock("x")]);
        Assert.Throws<ArgumentException>(() => new Table([new(1), new(1)], [new TableRow([cell])]));
    }

    [Fact]
    public void WithSubmitFallback_CopiesDataAndAddsVerb()
    {
        var action = new ActionExecute("Ask", CardVerbs.TopicAskExpert) { Data = CardJson.Data(new AskExpertData("t-1")) }.WithSubmitFallback();
        var submit = Assert.IsType<ActionSubmit>(action.Fallback);
        var data = submit.Data!.Value;
        Assert.Equal("t-1", data.GetProperty("topicId").GetString());
        Assert.Equal(CardVerbs.TopicAskExpert, data.GetProperty("verb").GetString());
    }

    [Fact]
    public void Utf8Size_NonAscii_CountsEscapedForm()
    {
        var ascii = new AdaptiveCard([new TextBlock("aaaa")]);
        var arabic = new AdaptiveCard([new TextBlock("ششش")]);
        // Strict escaping writes each Arabic letter as \uXXXX (6 bytes) against 1 byte for 'a'.
        Assert.Equal(CardJson.Utf8Size(ascii) - 4 + 18, CardJson.Utf8Size(arabic));
        Assert.DoesNotContain("\\u", CardJson.Serialize(arabic), StringComparison.Ordinal);
    }

    [Fact]
    public void CardsAssembly_ReferencesOnlyTheFramework()
    {
        var references = typeof(CardJson).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.NotEmpty(references);
        Assert.All(references, name => Assert.True(
            name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib",
            $"Cards must depend only on the framework (System.Text.Json), but references {name}"));
    }

    [Fact]
    public void Image_RequiresHttpsAndAltText_SerializesInImageSet()
    {
        Assert.Throws<ArgumentException>(() => new Image(new Uri("http://example.com/a.png"), "alt"));
        Assert.Throws<ArgumentException>(() => new Image(new Uri("https://example.com/a.png"), " "));
        var set = new ImageSet([new Image(new Uri("https://example.com/a.png"), "Logo") { Size = ImageSize.Small }]);
        using var doc = JsonDocument.Parse(CardJson.Serialize(new AdaptiveCard([set])));
        var image = doc.RootElement.GetProperty("body")[0].GetProperty("images")[0];
        Assert.Equal("Image", image.GetProperty("type").GetString());
        Assert.Equal("https://example.com/a.png", image.GetProperty("url").GetString());
        Assert.Equal("Small", image.GetProperty("size").GetString());
    }

    [Fact]
    public void InputDateAndToggle_SerializeWithIdsAndLabels()
    {
        var card = new AdaptiveCard([
            new InputDate("due", "Due date") { Min = "2026-11-22" },
            new InputToggle("faq", "FAQ", "Add to FAQ") { Value = "true" },
        ]);
        using var doc = JsonDocument.Parse(CardJson.Serialize(card));
        var body = doc.RootElement.GetProperty("body");
        Assert.Equal("Input.Date", body[0].GetProperty("type").GetString());
        Assert.Equal("due", body[0].GetProperty("id").GetString());
        Assert.Equal("Input.Toggle", body[1].GetProperty("type").GetString());
        Assert.Equal("Add to FAQ", body[1].GetProperty("title").GetString());
    }
}
