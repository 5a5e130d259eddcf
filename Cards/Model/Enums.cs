namespace CrisisBot.Cards.Model;

// Enum members are written by name (CardJsonContext uses the string enum converter); names follow the
// Adaptive Cards 1.5 schema, which matches them case-insensitively.

public enum TextSize { Default, Small, Medium, Large, ExtraLarge }

public enum TextWeight { Default, Lighter, Bolder }

public enum TextColor { Default, Dark, Light, Accent, Good, Warning, Attention }

public enum TextBlockStyle { Default, Heading }

public enum FontType { Default, Monospace }

public enum HorizontalAlignment { Left, Center, Right }

public enum VerticalAlignment { Top, Center, Bottom }

public enum Spacing { None, Small, Default, Medium, Large, ExtraLarge, Padding }

public enum ContainerStyle { Default, Emphasis, Good, Attention, Warning, Accent }

public enum ImageSize { Auto, Stretch, Small, Medium, Large }

public enum ImageStyle { Default, Person }

public enum ActionStyle { Default, Positive, Destructive }

public enum ActionMode { Primary, Secondary }

public enum AssociatedInputs { Auto, None }

/// <summary>Choice set styles of the 1.5 schema. Teams also knows "filtered" (typeahead), but the official 1.5 schema rejects it, so it is left out.</summary>
public enum ChoiceInputStyle { Compact, Expanded }

public enum TextInputStyle { Text, Tel, Url, Email, Password }
