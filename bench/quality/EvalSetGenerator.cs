using System.Globalization;
using System.Text;
using CrisisBot.Features.HotTopics.Intake;

namespace CrisisBot.Bench.Quality;

/// <summary>
/// Generates a labelled evaluation set: background posts of every true topic following a day/night curve, noise posts,
/// and injected spikes (ramp up, plateau, ramp down). Posts get prefixes/suffixes with @handles, emoji, URLs and
/// hashtags, random casing and keyboard typos. Everything comes from one seeded <see cref="Random"/>, so a seed always
/// gives the same file.
/// </summary>
internal sealed class EvalSetGenerator(int seed)
{
    private readonly Random _rng = new(seed);
    private long _nextId = 1_776_000_000;

    internal sealed record Settings(
        DateTimeOffset Start,
        int Days,
        double PostsPerDay,
        double NoiseShare,
        int Spikes,
        double MinPeakPerHour,
        double MaxPeakPerHour,
        int QuietDays,
        double TypoRate = 0.06);

    public EvalSet Generate(Settings s)
    {
        var topics = TopicBank.Topics;
        // Background share per topic: uneven, like real life.
        var weights = topics.Select(_ => 0.5 + _rng.NextDouble()).ToArray();
        var sum = weights.Sum();
        var topicPerDay = weights.Select(w => w / sum * s.PostsPerDay * (1 - s.NoiseShare)).ToArray();
        var noisePerDay = s.PostsPerDay * s.NoiseShare;

        // Spikes: spread over the days after the quiet warm-up, in waking hours, one topic each (cycling).
        var spikes = new List<InjectedSpike>();
        var order = Enumerable.Range(0, topics.Length).OrderBy(_ => _rng.Next()).ToArray();
        var spikeDays = s.Days - s.QuietDays;
        for (var i = 0; i < s.Spikes; i++)
        {
            var day = s.QuietDays + (int)((i + _rng.NextDouble() * 0.6) * spikeDays / s.Spikes);
            var start = s.Start.AddDays(day).AddHours(8 + (_rng.NextDouble() * 11)).AddMinutes(_rng.Next(60));
            var end = start.AddHours(2 + (_rng.NextDouble() * 3));
            var peak = s.MinPeakPerHour + (_rng.NextDouble() * (s.MaxPeakPerHour - s.MinPeakPerHour));
            spikes.Add(new InjectedSpike(order[i % order.Length], start, end, peak));
        }

        var posts = new List<LabelledPost>();
        var minutes = s.Days * 24 * 60;
        for (var m = 0; m < minutes; m++)
        {
            var at = s.Start.AddMinutes(m);
            var diurnal = Diurnal(at.Hour + (at.Minute / 60.0));
            for (var t = 0; t < topics.Length; t++)
            {
                var rate = topicPerDay[t] / 1440 * diurnal;
                foreach (var spike in spikes)
                {
                    if (spike.Label == t)
                    {
                        rate += SpikeRate(spike, at) / 60;
                    }
                }

                var n = Poisson(rate);
                for (var k = 0; k < n; k++)
                {
                    posts.Add(new LabelledPost(MakePost(at, TopicText(t, s.TypoRate)), t));
                }
            }

            var noise = Poisson(noisePerDay / 1440 * diurnal);
            for (var k = 0; k < noise; k++)
            {
                posts.Add(new LabelledPost(MakePost(at, NoiseText()), -1));
            }
        }

        posts.Sort((a, b) => a.Post.CreatedAt.CompareTo(b.Post.CreatedAt));
        return new EvalSet(posts, spikes, topics.Select(t => t.Name).ToList(), s.Days);
    }

    /// <summary>Relative volume by hour of day, mean 1: low at night, peaks late morning and evening.</summary>
    private static double Diurnal(double hour)
    {
        var v = 0.25 + Math.Max(0, Math.Sin(Math.PI * (hour - 6) / 17)) * 1.6 + (0.3 * Math.Exp(-Math.Pow(hour - 20, 2) / 4));
        return v / 1.27;
    }

    private static double SpikeRate(InjectedSpike spike, DateTimeOffset at)
    {
        if (at < spike.Start || at >= spike.End)
        {
            return 0;
        }

        var fromStart = (at - spike.Start).TotalMinutes;
        var toEnd = (spike.End - at).TotalMinutes;
        var shape = Math.Min(1, Math.Min(fromStart / 15.0, toEnd / 40.0)); // 15-minute ramp up, 40-minute ramp down
        return spike.PeakPerHour * Math.Max(0.1, shape);
    }

    private int Poisson(double lambda)
    {
        var l = Math.Exp(-lambda);
        var k = 0;
        var p = 1.0;
        do
        {
            k++;
            p *= _rng.NextDouble();
        }
        while (p > l);
        return k - 1;
    }

    private SocialPost MakePost(DateTimeOffset minute, string text)
    {
        var at = minute.AddSeconds(_rng.Next(60));
        var followers = (long)Math.Exp(3 + (_rng.NextDouble() * _rng.NextDouble() * 9)); // mostly small, a few large
        var impressions = _rng.NextDouble() < 0.01 ? 20_000 + _rng.Next(60_000) : followers * (1 + _rng.Next(3));
        var source = _rng.NextDouble() < 0.7 ? "twitter" : _rng.NextDouble() < 0.6 ? "facebook" : "instagram";
        var handle = "@user" + _rng.Next(1, 50_000).ToString(CultureInfo.InvariantCulture);
        var id = (_nextId++).ToString(CultureInfo.InvariantCulture);
        return new SocialPost(id, source, text, at,
            new PostAuthor(handle, null, followers, followers > 100_000),
            $"https://social.example/{source}/{id}", "en",
            new PostMetrics(_rng.Next(20), _rng.Next(5), _rng.Next(5), impressions));
    }

    private string TopicText(int topic, double typoRate)
    {
        var spec = TopicBank.Topics[topic];
        var core = spec.Paraphrases[_rng.Next(spec.Paraphrases.Length)]
            .Replace("{n}", (2 + _rng.Next(9)).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        core = Typos(core, typoRate);
        core = Casing(core);
        var prefix = TopicBank.Prefixes[_rng.Next(TopicBank.Prefixes.Length)];
        var suffix = TopicBank.Suffixes[_rng.Next(TopicBank.Suffixes.Length)]
            .Replace("{url}", Convert.ToHexString(BitConverter.GetBytes(_rng.Next())), StringComparison.Ordinal);
        return prefix + core + suffix;
    }

    private string NoiseText()
    {
        var words = TopicBank.NoiseWords;
        var n = 4 + _rng.Next(5);
        var sb = new StringBuilder();
        if (_rng.NextDouble() < 0.2)
        {
            sb.Append("@friend").Append(_rng.Next(100)).Append(' ');
        }

        for (var i = 0; i < n; i++)
        {
            sb.Append(words[_rng.Next(words.Length)]).Append(i == n - 1 ? "" : " ");
        }

        if (_rng.NextDouble() < 0.3)
        {
            sb.Append(" 😂");
        }

        return sb.ToString();
    }

    private string Casing(string s)
    {
        var r = _rng.NextDouble();
        return r < 0.08 ? s.ToUpperInvariant() : r < 0.5 ? char.ToUpperInvariant(s[0]) + s[1..] : s;
    }

    private string Typos(string s, double rate)
    {
        var words = s.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            var w = words[i];
            if (w.Length < 4 || _rng.NextDouble() >= rate)
            {
                continue;
            }

            var p = 1 + _rng.Next(w.Length - 2);
            words[i] = _rng.Next(4) switch
            {
                0 => w[..p] + w[(p + 1)..],                                   // drop
                1 => w[..p] + w[p + 1] + w[p] + w[(p + 2)..],                 // swap
                2 => w[..p] + w[p] + w[p..],                                  // double
                _ => w[..p] + (char)('a' + _rng.Next(26)) + w[(p + 1)..],    // substitute
            };
        }

        return string.Join(' ', words);
    }
}
