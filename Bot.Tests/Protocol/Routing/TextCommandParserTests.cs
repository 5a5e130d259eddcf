using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.TestData;

namespace CrisisBot.Tests.Protocol.Routing;

public class TextCommandParserTests
{
    [Theory]
    [InlineData("help", "help", "")]
    [InlineData("  Status  ", "status", "")]
    [InlineData("LINK   product   Widget-Pro", "link", "product Widget-Pro")]
    [InlineData("link&nbsp;agents", "link", "agents")]
    [InlineData("say &lt;b&gt;hi&lt;/b&gt; &amp; bye", "say", "<b>hi</b> & bye")]
    [InlineData("line\none\r\n\ttwo", "line", "one two")]
    [InlineData("", "", "")]
    public void Parse_PersonalText_SplitsNameAndArguments(string text, string name, string arguments) =>
        Assert.Equal(new Command(name, arguments), TextCommandParser.Parse(ActivityBuilder.Personal(text).Build()));

    [Fact]
    public void Parse_MentionEntityText_IsStrippedAnywhere()
    {
        var activity = ActivityBuilder.Channel("link agents").Build();
        activity.Text = "please <at>CrisisBot</at> link <at>CrisisBot</at> agents";

        Assert.Equal(new Command("please", "link agents"), TextCommandParser.Parse(activity));
    }

    [Fact]
    public void Parse_RenamedBotMention_UsesTheEntityText()
    {
        var activity = ActivityBuilder.Channel("x", mentionBot: false).Build();
        activity.Text = "<at>Care Helper</at> status now";
        activity.Entities = [new Entity { Type = "mention", Text = "<at>Care Helper</at>", Mentioned = new ChannelAccount { Id = ActivityBuilder.BotId, Name = "Care Helper" } }];

        Assert.Equal(new Command("status", "now"), TextCommandParser.Parse(activity));
        Assert.True(TextCommandParser.MentionsBot(activity));
    }

    [Fact]
    public void Parse_MentionOfAnotherUser_IsKept()
    {
        var activity = ActivityBuilder.Channel("ask <at>Bob</at> about it").Build();
        activity.Entities!.Add(new Entity { Type = "mention", Text = "<at>Bob</at>", Mentioned = new ChannelAccount { Id = "29:bob", Name = "Bob" } });

        Assert.Equal(new Command("ask", "<at>Bob</at> about it"), TextCommandParser.Parse(activity));
    }

    [Fact]
    public void Parse_BotNameMentionWithoutEntity_IsStripped()
    {
        var activity = ActivityBuilder.GroupChat("x", mentionBot: false).Build();
        activity.Text = "<at>crisisbot</at>   help";

        Assert.Equal(new Command("help", ""), TextCommandParser.Parse(activity));
        Assert.True(TextCommandParser.MentionsBot(activity));
    }

    [Fact]
    public void MentionsBot_OnlyOtherMentions_IsFalse()
    {
        var activity = ActivityBuilder.Channel("<at>Bob</at> hi", mentionBot: false).Build();
        activity.Entities = [new Entity { Type = "mention", Text = "<at>Bob</at>", Mentioned = new ChannelAccount { Id = "29:bob" } }];

        Assert.False(TextCommandParser.MentionsBot(activity));
    }
}
