namespace CrisisBot.Cards.Templates;

/// <summary>A person shown on a card; <see cref="UserId"/> (Teams MRI or AAD object id) makes them @mentionable.</summary>
public sealed record Person(string UserId, string Name);

/// <summary>One point of a volume series (posts in the bucket that starts at <see cref="At"/>).</summary>
public sealed record VolumePoint(DateTimeOffset At, int Posts);
