using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Tests.Features.HotTopics.Cards;

public sealed class TopicCardPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static TopicCardFacts Live(TopicState state, AlarmSeverity mutedAt = AlarmSeverity.None, DateTimeOffset? mutedUntil = null) =>
        new(1, false, state, mutedUntil, mutedAt);

    [Theory]
    [InlineData(true, TopicState.Hot, true)]
    [InlineData(false, TopicState.Hot, true)]
    [InlineData(false, TopicState.Emerging, false)]
    [InlineData(false, TopicState.Cooling, false)]
    public void StartsNewCard_NoCard_OnlyWhenTheTopicTurnsHot(bool onset, TopicState state, bool expected) =>
        Assert.Equal(expected, TopicCardPolicy.StartsNewCard(null, state, AlarmSeverity.Low, onset, Now));

    [Fact]
    public void StartsNewCard_LiveHotCard_MoreChangesAndEscalations_NoNewCard()
    {
        Assert.False(TopicCardPolicy.StartsNewCard(Live(TopicState.Hot), TopicState.Hot, AlarmSeverity.High, onset: false, Now));
        Assert.False(TopicCardPolicy.StartsNewCard(Live(TopicState.Hot), TopicState.Hot, AlarmSeverity.High, onset: true, Now));
    }

    [Fact]
    public void StartsNewCard_CoolingCardAndANewOnset_NewSpikeNewCard() =>
        Assert.True(TopicCardPolicy.StartsNewCard(Live(TopicState.Cooling), TopicState.Hot, AlarmSeverity.Low, onset: true, Now));

    [Fact]
    public void StartsNewCard_FinalCardTurningHotAgain_NewCard() =>
        Assert.True(TopicCardPolicy.StartsNewCard(new TopicCardFacts(2, true, TopicState.Resolved, null, AlarmSeverity.None), TopicState.Hot, AlarmSeverity.Low, onset: true, Now));

    [Fact]
    public void StartsNewCard_MutedAtThisSeverity_StaysQuiet_HigherSeverityPosts()
    {
        var muted = Live(TopicState.Cooling, AlarmSeverity.Medium, Now.AddHours(1));
        Assert.False(TopicCardPolicy.StartsNewCard(muted, TopicState.Hot, AlarmSeverity.Medium, onset: true, Now));
        Assert.True(TopicCardPolicy.StartsNewCard(muted, TopicState.Hot, AlarmSeverity.High, onset: true, Now));
        Assert.True(TopicCardPolicy.StartsNewCard(muted, TopicState.Hot, AlarmSeverity.Medium, onset: true, Now.AddHours(2)));
    }

    [Fact]
    public void SeverityLiftsMute_OnlyAboveTheMutedLevelWhileMuted()
    {
        var muted = Live(TopicState.Hot, AlarmSeverity.Medium, Now.AddHours(1));
        Assert.False(TopicCardPolicy.SeverityLiftsMute(muted, AlarmSeverity.Medium, Now));
        Assert.True(TopicCardPolicy.SeverityLiftsMute(muted, AlarmSeverity.High, Now));
        Assert.False(TopicCardPolicy.SeverityLiftsMute(Live(TopicState.Hot), AlarmSeverity.Critical, Now));
    }

    [Fact]
    public void OnMerge_DecidesWhichCardLives()
    {
        Assert.Equal(MergeCardOutcome.None, TopicCardPolicy.OnMerge(null, Live(TopicState.Hot)));
        Assert.Equal(MergeCardOutcome.None, TopicCardPolicy.OnMerge(new TopicCardFacts(1, true, TopicState.Resolved, null, AlarmSeverity.None), null));
        Assert.Equal(MergeCardOutcome.SurvivorAdopts, TopicCardPolicy.OnMerge(Live(TopicState.Hot), null));
        Assert.Equal(MergeCardOutcome.SurvivorAdopts, TopicCardPolicy.OnMerge(Live(TopicState.Hot), new TopicCardFacts(1, true, TopicState.Resolved, null, AlarmSeverity.None)));
        Assert.Equal(MergeCardOutcome.FinalPointsAtSurvivor, TopicCardPolicy.OnMerge(Live(TopicState.Hot), Live(TopicState.Hot)));
    }
}
