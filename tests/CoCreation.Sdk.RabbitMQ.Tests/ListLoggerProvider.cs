using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.RabbitMQ.Tests;

/// <summary>Collects every log line, prefixed with the node's name, to check what was logged (and that no password was).</summary>
internal sealed class ListLoggerProvider(ConcurrentQueue<string> lines, string node) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new ListLogger(lines, node, categoryName);

    public void Dispose()
    {
    }
}

internal sealed class ListLogger(ConcurrentQueue<string> lines, string node, string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => lines.Enqueue($"{node} {logLevel} {category} {eventId.Id}: {formatter(state, exception)} {exception}");
}
