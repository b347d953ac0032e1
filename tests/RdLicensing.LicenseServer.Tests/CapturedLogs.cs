using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// A logging provider that keeps every line at every level: the formatted message, each structured value, the scopes
/// and the exception — everything a log sink could end up storing.
/// </summary>
internal sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Sends everything, Trace and up, of every category (the server turns ASP.NET Core down to warnings by default).</summary>
    public void AddTo(ILoggingBuilder logging)
    {
        logging.AddProvider(this);
        logging.SetMinimumLevel(LogLevel.Trace);
        logging.AddFilter("Microsoft", LogLevel.Trace);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Trace);
        logging.AddFilter("System", LogLevel.Trace);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    // Header values and other structured values are often arrays: their elements, not the type name, are what a sink stores.
    private static string Text(object? value) => value is System.Collections.IEnumerable items and not string
        ? "[" + string.Join(", ", items.Cast<object?>()) + "]"
        : $"{value}";

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder($"{logLevel} {category}[{eventId.Id}]: {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (name, value) in values) line.Append($" | {name}={Text(value)}");
            owner._scopes?.ForEachScope((scope, builder) =>
            {
                builder.Append($" | scope {scope}");
                if (scope is IEnumerable<KeyValuePair<string, object?>> scoped)
                    foreach (var (name, value) in scoped) builder.Append($" {name}={Text(value)}");
            }, line);
            if (exception is not null) line.Append(" | ").Append(exception);
            owner._lines.Enqueue(line.ToString());
        }
    }
}
