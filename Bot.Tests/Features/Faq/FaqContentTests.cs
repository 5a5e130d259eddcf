using CrisisBot.Features.Experts;
using CrisisBot.Features.Faq;

namespace CrisisBot.Tests.Features.Faq;

public class FaqContentTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static LibraryEntry Entry(long id, long question, string product, string name, string reply = "Reply.", LibraryEntryStatus status = LibraryEntryStatus.Active, bool faq = true, int version = 1) => new()
    {
        Id = id, QuestionId = question, ProductKey = product, ProductName = name, Question = "Question " + question, CustomerReply = reply,
        ShortReply = reply, AddToFaq = faq, Status = status, Version = version, ApprovedAt = At,
    };

    [Fact]
    public void Build_MixedLibrary_ActiveFaqEntriesGroupedByProductNameThenOldestQuestion()
    {
        var entries = FaqContent.Build(
        [
            Entry(1, 10, "travel-insurance", "Travel Insurance"),
            Entry(2, 5, "mail", "Mail"),
            Entry(3, 3, "travel-insurance", "Travel Insurance"),
            Entry(4, 4, "mail", "Mail", status: LibraryEntryStatus.Superseded),
            Entry(5, 6, "mail", "Mail", status: LibraryEntryStatus.Retired),
            Entry(6, 7, "mail", "Mail", faq: false),
            Entry(7, 2, "credit-card", "credit card"),
        ]);

        Assert.Equal([2L, 5, 3, 10], entries.Select(e => e.QuestionId));
        Assert.Equal([0, 1, 2, 3], entries.Select(e => e.Position));
        Assert.Equal([7L, 2, 3, 1], entries.Select(e => e.LibraryEntryId));
    }

    [Fact]
    public void Hash_SameContentSame_AnyPublishedFieldChangesIt()
    {
        var a = FaqContent.Build([Entry(1, 1, "mail", "Mail", "Late.")]);
        var same = FaqContent.Build([Entry(1, 1, "mail", "Mail", "Late.")]);
        var text = FaqContent.Build([Entry(1, 1, "mail", "Mail", "Very late.")]);
        var version = FaqContent.Build([Entry(2, 1, "mail", "Mail", "Late.", version: 2)]);

        Assert.Equal(FaqContent.Hash(a), FaqContent.Hash(same));
        Assert.NotEqual(FaqContent.Hash(a), FaqContent.Hash(text));
        Assert.NotEqual(FaqContent.Hash(a), FaqContent.Hash(version));
        Assert.NotEqual(FaqContent.Hash(a), FaqContent.Hash([]));
        Assert.Equal(64, FaqContent.Hash(a).Length);
    }

    [Fact]
    public void Diff_AddedUpdatedWithdrawn_ByQuestion()
    {
        var before = FaqContent.Build([Entry(1, 1, "mail", "Mail"), Entry(2, 2, "mail", "Mail"), Entry(3, 3, "mail", "Mail")]);
        var after = FaqContent.Build([Entry(1, 1, "mail", "Mail"), Entry(4, 2, "mail", "Mail", "New text.", version: 2), Entry(5, 5, "mail", "Mail")]);

        var diff = FaqContent.Diff(before, after);

        Assert.Equal([(2L, FaqChangeKind.Updated), (5L, FaqChangeKind.Added), (3L, FaqChangeKind.Withdrawn)], diff.Select(d => (d.Entry.QuestionId, d.Kind)));
        Assert.Equal("1 added, 1 updated, 1 withdrawn", FaqContent.Describe(diff));
        Assert.Empty(FaqContent.Diff(after, after));
    }
}
