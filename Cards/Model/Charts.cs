namespace CrisisBot.Cards.Model;

/// <summary>
/// Base of the Teams chart elements (teams-protocol.md §5.9). Clients without chart support show
/// <see cref="Fallback"/>, which is therefore required, as is non-empty data.
/// </summary>
public abstract record ChartElement : CardElement
{
    protected ChartElement(CardElement fallback) => Fallback = fallback;

    public string? Title { get; init; }

    /// <summary>Named palette, e.g. <c>categorical</c> or <c>diverging</c>.</summary>
    public string? ColorSet { get; init; }

    /// <summary>What clients without charts render instead (a FactSet or TextBlock). Never another chart.</summary>
    public CardElement Fallback
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Fallback));
            if (value is ChartElement)
            {
                throw new ArgumentException("A chart's fallback must be a non-chart element.", nameof(Fallback));
            }

            field = value;
        }
    }
}

/// <summary>Line chart: one or more series of (x, y) points.</summary>
public sealed record ChartLine : ChartElement
{
    public ChartLine(IReadOnlyList<ChartSeries> data, CardElement fallback)
        : base(fallback) => Data = data;

    public IReadOnlyList<ChartSeries> Data { get; init => field = Guard.NotEmpty(value, nameof(Data)); }

    public string? XAxisTitle { get; init; }

    public string? YAxisTitle { get; init; }
}

public sealed record ChartSeries
{
    public ChartSeries(string legend, IReadOnlyList<ChartPoint> values)
    {
        Legend = Guard.NotBlank(legend, nameof(legend));
        Values = Guard.NotEmpty(values, nameof(values));
    }

    public string Legend { get; }

    public IReadOnlyList<ChartPoint> Values { get; }

    public string? Color { get; init; }
}

/// <summary>A point; <see cref="X"/> is a category label (e.g. an hour).</summary>
public sealed record ChartPoint(string X, double Y)
{
    public string? Color { get; init; }
}

/// <summary>Vertical bars, one per (x, y).</summary>
public sealed record ChartVerticalBar : ChartElement
{
    public ChartVerticalBar(IReadOnlyList<ChartPoint> data, CardElement fallback)
        : base(fallback) => Data = data;

    public IReadOnlyList<ChartPoint> Data { get; init => field = Guard.NotEmpty(value, nameof(Data)); }

    public string? XAxisTitle { get; init; }

    public string? YAxisTitle { get; init; }
}

/// <summary>Pie chart.</summary>
public sealed record ChartPie : ChartElement
{
    public ChartPie(IReadOnlyList<ChartSlice> data, CardElement fallback)
        : base(fallback) => Data = data;

    public IReadOnlyList<ChartSlice> Data { get; init => field = Guard.NotEmpty(value, nameof(Data)); }
}

/// <summary>Donut chart.</summary>
public sealed record ChartDonut : ChartElement
{
    public ChartDonut(IReadOnlyList<ChartSlice> data, CardElement fallback)
        : base(fallback) => Data = data;

    public IReadOnlyList<ChartSlice> Data { get; init => field = Guard.NotEmpty(value, nameof(Data)); }
}

public sealed record ChartSlice
{
    public ChartSlice(string legend, double value)
    {
        Legend = Guard.NotBlank(legend, nameof(legend));
        if (double.IsNaN(value) || double.IsInfinity(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A slice value must be a finite, non-negative number.");
        }

        Value = value;
    }

    public string Legend { get; }

    public double Value { get; }

    public string? Color { get; init; }
}
