using CrisisBot.Cards.Model;

namespace CrisisBot.Cards.Samples;

/// <summary>A sample card: <see cref="Name"/> is the card (and role view, e.g. <c>question.owner</c>), <see cref="Variant"/> is typical, empty or worst.</summary>
public sealed record CardSample(string Name, string Variant, AdaptiveCard Card)
{
    /// <summary><c>&lt;name&gt;.&lt;variant&gt;.json</c>.</summary>
    public string FileName => $"{Name}.{Variant}.json";
}
