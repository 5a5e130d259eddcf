using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CrisisBot.Tests.Infrastructure;

/// <summary>An <see cref="ILogger{T}"/> that keeps every entry, for asserting on log output.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), exception));
    }
}

public sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception);
