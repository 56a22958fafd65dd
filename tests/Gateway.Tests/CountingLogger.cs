using Microsoft.Extensions.Logging;

namespace Gateway.Tests;

/// <summary>Remembers the event ids it was asked to log, so a test can count them.</summary>
public sealed class CountingLogger<T> : ILogger<T>
{
    private readonly List<EventId> _events = [];

    public int Count(int eventId)
    {
        lock (_events)
        {
            return _events.Count(e => e.Id == eventId);
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_events)
        {
            _events.Add(eventId);
        }
    }
}
