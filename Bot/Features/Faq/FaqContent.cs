using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CrisisBot.Features.Experts;

namespace CrisisBot.Features.Faq;

/// <summary>Pure functions over FAQ content: build the next entry set, hash it, and diff two versions.</summary>
public static class FaqContent
{
    /// <summary>
    /// The FAQ entries for the active library entries flagged "add to FAQ", in the published order: products by name
    /// (then key), questions oldest first. One entry per question (its newest active version).
    /// </summary>
    public static List<FaqEntry> Build(IEnumerable<LibraryEntry> library)
    {
        ArgumentNullException.ThrowIfNull(library);
        return library
            .Where(e => e.Status == LibraryEntryStatus.Active && e.AddToFaq)
            .GroupBy(e => e.QuestionId)
            .Select(g => g.OrderByDescending(e => e.Version).ThenByDescending(e => e.Id).First())
            .OrderBy(e => e.ProductName, StringComparer.OrdinalIgnoreCase)
            .ThenBy(e => e.ProductKey, StringComparer.Ordinal)
            .ThenBy(e => e.QuestionId)
            .Select((e, i) => new FaqEntry
            {
                Position = i,
                ProductKey = e.ProductKey,
                ProductName = e.ProductName,
                QuestionId = e.QuestionId,
                Question = e.Question,
                CustomerReply = e.CustomerReply,
                ShortReply = e.ShortReply,
                LibraryEntryId = e.Id,
                LibraryVersion = e.Version,
                ApprovedAt = e.ApprovedAt,
                ReviewedAt = e.ReviewedAt ?? e.ApprovedAt,
            })
            .ToList();
    }

    /// <summary>SHA-256 (lower-case hex) over every published field, in order.</summary>
    public static string Hash(IEnumerable<FaqEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder();
        foreach (var e in entries)
        {
            text.Append(e.ProductKey).Append('\u001f').Append(e.ProductName).Append('\u001f')
                .Append(e.QuestionId.ToString(CultureInfo.InvariantCulture)).Append('\u001f')
                .Append(e.Question).Append('\u001f').Append(e.CustomerReply).Append('\u001f').Append(e.ShortReply).Append('\u001f')
                .Append(e.LibraryEntryId.ToString(CultureInfo.InvariantCulture)).Append('\u001f')
                .Append(e.LibraryVersion.ToString(CultureInfo.InvariantCulture)).Append('\u001f')
                .Append(e.ApprovedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append('\u001f')
                .Append(e.ReviewedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append('\u001e');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// How <paramref name="next"/> differs from <paramref name="previous"/> (empty for the first version), keyed by question:
    /// new questions are Added, questions whose library entry or text changed are Updated, missing ones Withdrawn.
    /// A change of the review date alone is not reported. Order: the next version's order, then the withdrawn ones.
    /// </summary>
    public static IReadOnlyList<(FaqEntry Entry, FaqChangeKind Kind)> Diff(IReadOnlyList<FaqEntry> previous, IReadOnlyList<FaqEntry> next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        var before = previous.GroupBy(e => e.QuestionId).ToDictionary(g => g.Key, g => g.First());
        var after = next.Select(e => e.QuestionId).ToHashSet();
        var changes = new List<(FaqEntry, FaqChangeKind)>();
        foreach (var entry in next)
        {
            if (!before.TryGetValue(entry.QuestionId, out var old))
            {
                changes.Add((entry, FaqChangeKind.Added));
            }
            else if (old.LibraryEntryId != entry.LibraryEntryId || old.Question != entry.Question || old.CustomerReply != entry.CustomerReply
                     || old.ShortReply != entry.ShortReply || old.ProductKey != entry.ProductKey)
            {
                changes.Add((entry, FaqChangeKind.Updated));
            }
        }

        changes.AddRange(previous.Where(e => !after.Contains(e.QuestionId)).Select(e => (e, FaqChangeKind.Withdrawn)));
        return changes;
    }

    /// <summary>"2 added, 1 updated, 0 withdrawn".</summary>
    public static string Describe(IReadOnlyList<(FaqEntry Entry, FaqChangeKind Kind)> diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        return string.Create(CultureInfo.InvariantCulture,
            $"{diff.Count(d => d.Kind == FaqChangeKind.Added)} added, {diff.Count(d => d.Kind == FaqChangeKind.Updated)} updated, {diff.Count(d => d.Kind == FaqChangeKind.Withdrawn)} withdrawn");
    }
}
