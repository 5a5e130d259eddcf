using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Features.HotTopics.Pipeline;

/// <summary>
/// Per-topic extras a card needs beyond the engine's snapshot: posts per event-time hour over the last 24 hours, the
/// 3 most-reached sample posts and the topic's alarm history. Bounded: at most 24 counters, 3 samples (texts clipped
/// to <see cref="MaxSampleChars"/>) and <see cref="MaxAlarms"/> alarms per topic; counters and samples of topics quiet
/// for more than 24 event-time hours are dropped when the watermark moves to a new hour (a topic that wakes up starts
/// new ones; alarms, which are rare, are kept).
/// Single-threaded: owned by the pipeline.
/// </summary>
internal sealed class TopicExtras
{
    public const int Hours = 24;
    public const int Samples = 3;
    public const int MaxSampleChars = 500;
    public const int MaxAlarms = 50;

    private readonly Dictionary<int, Entry> _entries = [];
    private readonly Dictionary<int, List<TopicAlarm>> _alarms = [];

    // Eviction candidates by hour: an entry is listed under max(its LastHour, _scanFrom) whenever its LastHour is set
    // (it only grows), so the hourly eviction reads the lists of the hours that fell out of the window instead of every
    // entry. Every hour below _scanFrom has been read; a listing whose entry has moved on since is skipped.
    private readonly Dictionary<long, List<int>> _byHour = [];
    private long _scanFrom = long.MinValue;
    private long _lastEvictHour = long.MinValue;

    public int Count => _entries.Count;

    public void Record(TopicId topic, SocialPost post)
    {
        var e = Get(topic);
        var hour = HourOf(post.CreatedAt);
        e.AddCount(hour, 1);
        if (hour > e.LastHour)
        {
            SetLastHour(topic.Value, e, hour);
        }

        e.OfferSample(post);
    }

    public void RecordAlarm(TopicId topic, TopicAlarm alarm)
    {
        if (!_alarms.TryGetValue(topic.Value, out var list))
        {
            list = [];
            _alarms[topic.Value] = list;
        }

        if (list.Count >= MaxAlarms)
        {
            list.RemoveAt(0);
        }

        list.Add(alarm);
    }

    /// <summary>Forgets everything about a topic the engine released (its state is in storage).</summary>
    public void Forget(TopicId topic)
    {
        _entries.Remove(topic.Value);
        _alarms.Remove(topic.Value);
    }

    /// <summary>Moves a merged topic's counts and samples into the survivor (alarms stay with their own topic).</summary>
    public void Merge(TopicId from, TopicId into)
    {
        if (!_entries.TryGetValue(from.Value, out var source))
        {
            return;
        }

        var target = Get(into);
        for (var i = 0; i < Hours; i++)
        {
            if (source.HourStamps[i] != long.MinValue)
            {
                target.AddCount(source.HourStamps[i], source.Counts[i]);
            }
        }

        if (source.LastHour > target.LastHour)
        {
            SetLastHour(into.Value, target, source.LastHour);
        }
        foreach (var s in source.SamplesList)
        {
            target.Offer(s);
        }
    }

    /// <summary>Drops extras of topics without a post in the last 24 event-time hours (once per watermark hour).</summary>
    public void Evict(DateTimeOffset watermark)
    {
        var hour = HourOf(watermark);
        if (hour == _lastEvictHour)
        {
            return;
        }

        _lastEvictHour = hour;
        var end = hour - Hours; // entries whose last post is before this hour go
        if (end <= _scanFrom)
        {
            return;
        }

        if (_scanFrom == long.MinValue || end - _scanFrom > _byHour.Count)
        {
            // A jump in event time (or the first call): read the lists that exist rather than every hour in between.
            List<long>? due = null;
            foreach (var h in _byHour.Keys)
            {
                if (h < end)
                {
                    (due ??= []).Add(h);
                }
            }

            if (due is not null)
            {
                foreach (var h in due)
                {
                    EvictListed(h, end);
                }
            }
        }
        else
        {
            for (var h = _scanFrom; h < end; h++)
            {
                EvictListed(h, end);
            }
        }

        _scanFrom = end;
    }

    private void EvictListed(long listHour, long end)
    {
        if (!_byHour.Remove(listHour, out var ids))
        {
            return;
        }

        foreach (var id in ids)
        {
            if (_entries.TryGetValue(id, out var e) && e.LastHour < end)
            {
                _entries.Remove(id);
            }
        }
    }

    private void SetLastHour(int id, Entry e, long hour)
    {
        e.LastHour = hour;
        var listHour = Math.Max(hour, _scanFrom);
        if (!_byHour.TryGetValue(listHour, out var ids))
        {
            _byHour[listHour] = ids = [];
        }

        ids.Add(id);
    }

    public IReadOnlyList<int> HourlyCounts(TopicId topic, DateTimeOffset watermark)
    {
        var counts = new int[Hours];
        if (_entries.TryGetValue(topic.Value, out var e))
        {
            var end = HourOf(watermark);
            for (var k = 0; k < Hours; k++)
            {
                var h = end - (Hours - 1) + k;
                var slot = Slot(h);
                counts[k] = e.HourStamps[slot] == h ? e.Counts[slot] : 0;
            }
        }

        return counts;
    }

    public IReadOnlyList<TopicSamplePost> SamplePosts(TopicId topic) =>
        _entries.TryGetValue(topic.Value, out var e) ? [.. e.SamplesList] : [];

    public IReadOnlyList<TopicAlarm> Alarms(TopicId topic) =>
        _alarms.TryGetValue(topic.Value, out var list) ? [.. list] : [];

    private Entry Get(TopicId topic)
    {
        if (!_entries.TryGetValue(topic.Value, out var e))
        {
            e = new Entry();
            _entries[topic.Value] = e;
        }

        return e;
    }

    private static long HourOf(DateTimeOffset at) => Math.DivRem(at.ToUnixTimeSeconds(), 3600, out var r) - (r < 0 ? 1 : 0);

    private static int Slot(long hour) => (int)(((hour % Hours) + Hours) % Hours);

    private sealed class Entry
    {
        public long[] HourStamps { get; } = NewStamps();

        public int[] Counts { get; } = new int[Hours];

        public long LastHour { get; set; } = long.MinValue;

        public List<TopicSamplePost> SamplesList { get; } = new(Samples);

        private static long[] NewStamps()
        {
            var stamps = new long[Hours];
            Array.Fill(stamps, long.MinValue);
            return stamps;
        }

        public void AddCount(long hour, int count)
        {
            var slot = Slot(hour);
            if (HourStamps[slot] == hour)
            {
                Counts[slot] += count;
            }
            else if (HourStamps[slot] < hour)
            {
                // The slot held an hour at least a day older: reuse it. (A late post older than the slot's hour is
                // outside the 24-hour window and only counts in the engine.)
                HourStamps[slot] = hour;
                Counts[slot] = count;
            }
        }

        public void OfferSample(SocialPost post)
        {
            var reach = post.Reach;
            if (SamplesList.Count >= Samples && reach <= SamplesList[^1].Reach)
            {
                return;
            }

            var text = post.Text.Length <= MaxSampleChars ? post.Text : post.Text[..MaxSampleChars];
            var author = post.Author?.Name ?? post.Author?.Handle ?? string.Empty;
            Offer(new TopicSamplePost(post.Key.Source, post.Id, author, text, post.CreatedAt, reach, post.Url));
        }

        public void Offer(TopicSamplePost sample)
        {
            if (SamplesList.Count >= Samples && sample.Reach <= SamplesList[^1].Reach)
            {
                return;
            }

            // Most reach first; ties keep the earlier sample first.
            var index = 0;
            while (index < SamplesList.Count && SamplesList[index].Reach >= sample.Reach)
            {
                index++;
            }

            SamplesList.Insert(index, sample);
            if (SamplesList.Count > Samples)
            {
                SamplesList.RemoveAt(SamplesList.Count - 1);
            }
        }
    }
}
