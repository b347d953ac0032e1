using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using RdLicensing.Cli.Output;
using RdLicensing.LicenseServer;
using RdLicensing.LicenseServer.Hosting;

namespace RdLicensing.Cli.Hosting;

/// <summary>
/// Starts the license server in this process (the same host the tests use), reports its real address,
/// and keeps it running until the token is cancelled (Ctrl+C, SIGTERM) or the host is asked to stop.
/// </summary>
internal static class ServerRunner
{
    public static async Task<int> RunAsync(Render output, LicenseServerOptions options, LogLevel logLevel, string portHint,
        Func<string, CancellationToken, Task> started, CancellationToken ct)
    {
        await RunUntilStoppedAsync(options, logLevel, portHint, started, ct);
        output.Line("The license server stopped.");
        return 0;
    }

    private static async Task RunUntilStoppedAsync(LicenseServerOptions options, LogLevel logLevel, string portHint,
        Func<string, CancellationToken, Task> started, CancellationToken ct)
    {
        var app = LicenseServerHost.Build(options, logging => ConfigureLogging(logging, logLevel),
            services => services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true));
        try
        {
            try
            {
                await app.StartAsync(ct);
            }
            catch (Exception e) when (IsAddressInUse(e))
            {
                throw new CliException($"{options.Urls} is already in use (is another license server running?); choose another port with {portHint}.");
            }

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, app.Lifetime.ApplicationStopping);
            await started(Reachable(new Uri(address)).GetLeftPart(UriPartial.Authority), stop.Token);
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested || app.Lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Ctrl+C, SIGTERM or the caller's token, even while starting: a normal stop.
        }
        finally
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await app.StopAsync(grace.Token); }
            catch (OperationCanceledException) { }
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    private static bool IsAddressInUse(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is AddressInUseException || x is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
                return true;
        return false;
    }

    /// <summary>A wildcard listen address (0.0.0.0, [::], *) is reached through loopback.</summary>
    private static Uri Reachable(Uri address) =>
        address.Host is "0.0.0.0" or "[::]" or "::" or "*" or "+"
            ? new UriBuilder(address) { Host = "127.0.0.1" }.Uri
            : address;

    private static void ConfigureLogging(ILoggingBuilder logging, LogLevel level)
    {
        logging.ClearProviders();
        logging.AddConsole(o => o.FormatterName = OneLineLogFormatter.FormatterName).AddConsoleFormatter<OneLineLogFormatter, ConsoleFormatterOptions>();
        // Server logs go to stderr, so stdout carries only what rdlic itself prints.
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(level);
        // A failed start reaches rdlic as an exception, which it reports as one line; the host need not log it too.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    }
}
