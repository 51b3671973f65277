using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// A logger provider that keeps every log line: category, level, formatted message, the raw state and the exception
/// text. Register it in an adapter's test host to prove that tokens, passwords and keys never reach the logs.
/// </summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly List<string> lines = [];

    /// <summary>A copy of the lines written so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines)
            {
                return [.. lines];
            }
        }
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Collector(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The raw state is kept too: a structured value can hold a secret the message template leaves out.
            var line = $"{category} {logLevel}: {formatter(state, exception)} {state} {exception}";
            lock (owner.lines)
            {
                owner.lines.Add(line);
            }
        }
    }
}
