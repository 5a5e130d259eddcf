using System.Text.Json.Serialization;

namespace CrisisBot.Cards.Model;

/// <summary>
/// Base of every body element. The JSON <c>type</c> discriminator is written by System.Text.Json from the
/// derived type, so an element can never carry the wrong type name.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextBlock), "TextBlock")]
[JsonDerivedType(typeof(RichTextBlock), "RichTextBlock")]
[JsonDerivedType(typeof(Container), "Container")]
[JsonDerivedType(typeof(ColumnSet), "ColumnSet")]
[JsonDerivedType(typeof(FactSet), "FactSet")]
[JsonDerivedType(typeof(Image), "Image")]
[JsonDerivedType(typeof(ImageSet), "ImageSet")]
[JsonDerivedType(typeof(Table), "Table")]
[JsonDerivedType(typeof(ActionSet), "ActionSet")]
[JsonDerivedType(typeof(InputText), "Input.Text")]
[JsonDerivedType(typeof(InputChoiceSet), "Input.ChoiceSet")]
[JsonDerivedType(typeof(InputToggle), "Input.Toggle")]
[JsonDerivedType(typeof(InputDate), "Input.Date")]
[JsonDerivedType(typeof(ChartLine), "Chart.Line")]
[JsonDerivedType(typeof(ChartVerticalBar), "Chart.VerticalBar")]
[JsonDerivedType(typeof(ChartPie), "Chart.Pie")]
[JsonDerivedType(typeof(ChartDonut), "Chart.Donut")]
public abstract record CardElement
{
    /// <summary>Element id (needed as a ToggleVisibility target; required for inputs).</summary>
    [JsonPropertyOrder(-5)]
    public virtual string? Id { get; init; }

    public Spacing? Spacing { get; init; }

    public bool? Separator { get; init; }

    public bool? IsVisible { get; init; }
}

/// <summary>A block of markdown text. Untrusted text must go through <see cref="Text.SafeText.Clean"/> first.</summary>
public sealed record TextBlock : CardElement
{
    public TextBlock(string text) => Text = text;

    public string Text { get; init => field = value ?? throw new ArgumentNullException(nameof(Text)); }

    public TextSize? Size { get; init; }

    public TextWeight? Weight { get; init; }

    public TextColor? Color { get; init; }

    public bool? IsSubtle { get; init; }

    public bool? Wrap { get; init; }

    public int? MaxLines { get; init; }

    public TextBlockStyle? Style { get; init; }

    public FontType? FontType { get; init; }

    public HorizontalAlignment? HorizontalAlignment { get; init; }
}

/// <summary>Rich text made of runs; a run is never interpreted as markdown.</summary>
public sealed record RichTextBlock : CardElement
{
    public RichTextBlock(IReadOnlyList<TextRun> inlines) => Inlines = inlines;

    public IReadOnlyList<TextRun> Inlines { get; init => field = Guard.NotEmpty(value, nameof(Inlines)); }

    public HorizontalAlignment? HorizontalAlignment { get; init; }
}

/// <summary>One run of a <see cref="RichTextBlock"/>.</summary>
public sealed record TextRun
{
    public TextRun(string text) => Text = text;

    [JsonPropertyOrder(-10)]
    public string Type { get; } = "TextRun";

    public string Text { get; init => field = value ?? throw new ArgumentNullException(nameof(Text)); }

    public TextSize? Size { get; init; }

    public TextWeight? Weight { get; init; }

    public TextColor? Color { get; init; }

    public bool? IsSubtle { get; init; }

    public bool? Italic { get; init; }

    public bool? Strikethrough { get; init; }

    public bool? Highlight { get; init; }

    public FontType? FontType { get; init; }
}

/// <summary>Groups elements, optionally with a background style.</summary>
public sealed record Container : CardElement
{
    public Container(IReadOnlyList<CardElement> items) => Items = items;

    public IReadOnlyList<CardElement> Items { get; init => field = Guard.NotEmpty(value, nameof(Items)); }

    public ContainerStyle? Style { get; init; }

    public bool? Bleed { get; init; }

    public VerticalAlignment? VerticalContentAlignment { get; init; }
}

/// <summary>Columns side by side (they stack on narrow screens only if the card is designed for it).</summary>
public sealed record ColumnSet : CardElement
{
    public ColumnSet(IReadOnlyList<Column> columns) => Columns = columns;

    public IReadOnlyList<Column> Columns { get; init => field = Guard.NotEmpty(value, nameof(Columns)); }

    public ContainerStyle? Style { get; init; }
}

/// <summary>One column of a <see cref="ColumnSet"/>.</summary>
public sealed record Column
{
    public Column(IReadOnlyList<CardElement> items) => Items = items;

    [JsonPropertyOrder(-10)]
    public string Type { get; } = "Column";

    public IReadOnlyList<CardElement> Items { get; init => field = Guard.NoNulls(value, nameof(Items)); }

    /// <summary><c>auto</c>, <c>stretch</c>, or a pixel width such as <c>80px</c>.</summary>
    public string? Width
    {
        get;
        init
        {
            if (value is not null && value != "auto" && value != "stretch" &&
                !(value.EndsWith("px", StringComparison.Ordinal) && int.TryParse(value.AsSpan(0, value.Length - 2), out var px) && px > 0))
            {
                throw new ArgumentException($"Column width '{value}' must be auto, stretch or <n>px.", nameof(Width));
            }

            field = value;
        }
    }

    public VerticalAlignment? VerticalContentAlignment { get; init; }

    public ContainerStyle? Style { get; init; }

    public Spacing? Spacing { get; init; }
}

/// <summary>Title/value pairs.</summary>
public sealed record FactSet : CardElement
{
    public FactSet(IReadOnlyList<Fact> facts) => Facts = facts;

    public IReadOnlyList<Fact> Facts { get; init => field = Guard.NotEmpty(value, nameof(Facts)); }
}

/// <summary>One fact. Both title and value are markdown: pass untrusted text through SafeText.</summary>
public sealed record Fact(string Title, string Value);

/// <summary>An image by https (or data:) URL.</summary>
public sealed record Image : CardElement
{
    public Image(Uri url, string altText)
    {
        Url = url;
        AltText = altText;
    }

    public Uri Url { get; init => field = Guard.AbsoluteHttps(value, nameof(Url), allowData: true); }

    /// <summary>Required: every image needs a text alternative.</summary>
    public string AltText { get; init => field = Guard.NotBlank(value, nameof(AltText)); }

    public ImageSize? Size { get; init; }

    public ImageStyle? Style { get; init; }
}

/// <summary>A gallery of images.</summary>
public sealed record ImageSet : CardElement
{
    public ImageSet(IReadOnlyList<Image> images) => Images = images;

    [JsonIgnore]
    public IReadOnlyList<Image> Images { get; init => field = Guard.NotEmpty(value, nameof(Images)); }

    /// <summary>Written as the base type so each image carries its <c>"type": "Image"</c>.</summary>
    [JsonPropertyName("images")]
    public IReadOnlyList<CardElement> ImageElements => Images;

    public ImageSize? ImageSize { get; init; }
}

/// <summary>A table (Adaptive Cards 1.5). Every row must have one cell per column.</summary>
public sealed record Table : CardElement
{
    public Table(IReadOnlyList<TableColumnDefinition> columns, IReadOnlyList<TableRow> rows)
    {
        Columns = Guard.NotEmpty(columns, nameof(columns));
        Rows = Guard.NoNulls(rows, nameof(rows));
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Cells.Count != columns.Count)
            {
                throw new ArgumentException(
                    $"Table row {i} has {rows[i].Cells.Count} cells but the table has {columns.Count} columns.", nameof(rows));
            }
        }
    }

    public IReadOnlyList<TableColumnDefinition> Columns { get; }

    public IReadOnlyList<TableRow> Rows { get; }

    public bool? FirstRowAsHeader { get; init; }

    public bool? ShowGridLines { get; init; }

    public ContainerStyle? GridStyle { get; init; }
}

/// <summary>Relative column width (a weight).</summary>
public sealed record TableColumnDefinition
{
    public TableColumnDefinition(int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Width = width;
    }

    public int Width { get; }
}

public sealed record TableRow
{
    public TableRow(IReadOnlyList<TableCell> cells) => Cells = Guard.NotEmpty(cells, nameof(cells));

    [JsonPropertyOrder(-10)]
    public string Type { get; } = "TableRow";

    public IReadOnlyList<TableCell> Cells { get; }

    public ContainerStyle? Style { get; init; }
}

public sealed record TableCell
{
    public TableCell(IReadOnlyList<CardElement> items) => Items = Guard.NotEmpty(items, nameof(items));

    [JsonPropertyOrder(-10)]
    public string Type { get; } = "TableCell";

    public IReadOnlyList<CardElement> Items { get; }
}

/// <summary>Buttons inside the body (at most six).</summary>
public sealed record ActionSet : CardElement
{
    public ActionSet(IReadOnlyList<CardAction> actions) => Actions = actions;

    public IReadOnlyList<CardAction> Actions
    {
        get;
        init => field = Guard.MaxActionsOrNull(Guard.NotEmpty(value, nameof(Actions)), nameof(Actions))!;
    }
}
