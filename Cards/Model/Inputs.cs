namespace CrisisBot.Cards.Model;

/// <summary>
/// Base of every input. An input always has an id (the key its value is submitted under), a label, and, when
/// it is required, an error message: the constructor and <see cref="CardValidation"/> enforce it.
/// </summary>
public abstract record InputElement : CardElement
{
    protected InputElement(string id, string label)
    {
        Id = id;
        Label = label;
    }

    public sealed override string? Id { get; init => field = Guard.NotBlank(value, "Input id"); }

    public string Label { get; init => field = Guard.NotBlank(value, nameof(Label)); }

    public bool? IsRequired { get; init; }

    /// <summary>Shown when a required input is empty or invalid. Required when <see cref="IsRequired"/> is true.</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>Free text.</summary>
public sealed record InputText : InputElement
{
    public InputText(string id, string label)
        : base(id, label)
    {
    }

    public string? Placeholder { get; init; }

    public string? Value { get; init; }

    public bool? IsMultiline { get; init; }

    public int? MaxLength
    {
        get;
        init
        {
            if (value is <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxLength), value, "MaxLength must be positive.");
            }

            field = value;
        }
    }

    public string? Regex { get; init; }

    public TextInputStyle? Style { get; init; }
}

/// <summary>A pick list.</summary>
public sealed record InputChoiceSet : InputElement
{
    public InputChoiceSet(string id, string label, IReadOnlyList<Choice> choices)
        : base(id, label) => Choices = choices;

    public IReadOnlyList<Choice> Choices { get; init => field = Guard.NotEmpty(value, nameof(Choices)); }

    public ChoiceInputStyle? Style { get; init; }

    public bool? IsMultiSelect { get; init; }

    public string? Value { get; init; }

    public string? Placeholder { get; init; }
}

public sealed record Choice
{
    public Choice(string title, string value)
    {
        Title = Guard.NotBlank(title, nameof(title));
        Value = Guard.NotBlank(value, nameof(value));
    }

    public string Title { get; }

    public string Value { get; }
}

/// <summary>An on/off switch; submits <c>"true"</c> or <c>"false"</c>.</summary>
public sealed record InputToggle : InputElement
{
    public InputToggle(string id, string label, string title)
        : base(id, label) => Title = title;

    public string Title { get; init => field = Guard.NotBlank(value, nameof(Title)); }

    public string? Value { get; init; }

    public string? ValueOn { get; init; }

    public string? ValueOff { get; init; }

    public bool? Wrap { get; init; }
}

/// <summary>A date (yyyy-MM-dd).</summary>
public sealed record InputDate : InputElement
{
    public InputDate(string id, string label)
        : base(id, label)
    {
    }

    public string? Value { get; init; }

    public string? Min { get; init; }

    public string? Max { get; init; }

    public string? Placeholder { get; init; }
}
