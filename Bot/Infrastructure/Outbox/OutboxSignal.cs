namespace CrisisBot.Infrastructure.Outbox;

/// <summary>Wakes the delivery worker when a row was committed.</summary>
public sealed class OutboxSignal : WakeSignal;
