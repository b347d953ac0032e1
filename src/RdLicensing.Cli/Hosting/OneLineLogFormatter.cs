using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace RdLicensing.Cli.Hosting;

/// <summary>
/// Server log lines for a person at a terminal: time, level, short category, message, and an exception's
/// message only, never its stack trace.
/// </summary>
internal sealed class OneLineLogFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "rdlic";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception) ?? "";
        if (logEntry.Exception is { } e) message += $" ({e.GetType().Name}: {e.Message})";
        var category = logEntry.Category[(logEntry.Category.LastIndexOf('.') + 1)..];
        textWriter.WriteLine($"{DateTime.Now:HH:mm:ss} {Level(logEntry.LogLevel)} {category}: {RdlicApp.OneLine(message)}");
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "CRITICAL",
    };
}
