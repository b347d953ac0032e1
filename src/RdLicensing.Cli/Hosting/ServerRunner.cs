using RdLicensing.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using RdLicensing.Cli.Output;
using RdLicensing.Clearinghouse;
using RdLicensing.Clearinghouse.Hosting;
using RdLicensing.LicenseServer;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Rdp;
using RdLicensing.SessionHost.Rdp;
using RdLicensing.SessionHost;
using RdLicensing.SessionHost.Hosting;

namespace RdLicensing.Cli.Hosting;

/// <summary>What `rdlic up` runs beside the license server; `rdlic server run` runs none of it.</summary>
internal sealed record BesideServices(ClearinghouseOptions Clearinghouse, SessionHostOptions SessionHost, RdpEndpointOptions? Rdp = null);

/// <summary>Where each service of `rdlic up` really listens once started (port 0 resolved).</summary>
/// <param name="Rdp">The session host's RDP endpoint, when it runs one.</param>
internal sealed record RunningServices(string LicenseServer, string? Clearinghouse, string? SessionHost, RdpListener? Rdp = null);

/// <summary>
/// Starts the license server in this process (the same host the tests use) — with `rdlic up`, the clearinghouse
/// and a session host beside it — reports the real addresses, and keeps everything running until the token is
/// cancelled (Ctrl+C, SIGTERM) or the license server is asked to stop.
/// </summary>
internal static class ServerRunner
{
    /// <param name="beside">
    /// Run these too, all on the license server's own clock (one simulated clock for all): the clearinghouse
    /// first, so its certificate exists when the license server loads it (its URL becomes the license server's
    /// <see cref="LicenseServerOptions.ClearinghouseUrl"/>); the session host last, enrolled with the license server.
    /// </param>
    public static async Task<int> RunAsync(Render output, LicenseServerOptions options, LogLevel logLevel, string portHint,
        Func<RunningServices, CancellationToken, Task> started, CancellationToken ct, BesideServices? beside = null)
    {
        await RunUntilStoppedAsync(options, logLevel, portHint, started, beside, ct);
        output.Line(beside is null ? "The license server stopped." : "The license server, the clearinghouse and the session host stopped.");
        return 0;
    }

    private static async Task RunUntilStoppedAsync(LicenseServerOptions options, LogLevel logLevel, string portHint,
        Func<RunningServices, CancellationToken, Task> started, BesideServices? beside, CancellationToken ct)
    {
        var app = LicenseServerHost.Build(options, logging => ConfigureLogging(logging, logLevel),
            services => services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true));
        var clock = app.Services.GetRequiredService<TimeProvider>();
        WebApplication? clearinghouse = null, sessionHost = null;
        try
        {
            if (beside is not null)
            {
                clearinghouse = ClearinghouseHost.Build(beside.Clearinghouse, clock, logging => ConfigureLogging(logging, logLevel));
                await StartAsync(clearinghouse, beside.Clearinghouse.Urls, "clearinghouse", "--clearinghouse-port (or --port 0 for free ports)", ct);
                options.ClearinghouseUrl = AddressOf(clearinghouse);
            }
            await StartAsync(app, options.Urls, "license server", portHint, ct);
            var licenseServer = AddressOf(app);
            if (beside is not null)
            {
                // Started after the license server, whose start restores a simulated clock's offset.
                sessionHost = RdpSessionHost.Build(beside.SessionHost, beside.Rdp, clock, logging => ConfigureLogging(logging, logLevel));
                await StartAsync(sessionHost, beside.SessionHost.Urls, "session host", "--sessionhost-port (or --port 0 for free ports)", ct);
                await sessionHost.JoinLicenseServerAsync(licenseServer, AdminTokenFile.Read(options.AdminTokenPath)!, ct);
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, app.Lifetime.ApplicationStopping);
            await started(new RunningServices(licenseServer, clearinghouse is null ? null : AddressOf(clearinghouse),
                sessionHost is null ? null : AddressOf(sessionHost), sessionHost?.RdpEndpoint()), stop.Token);
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested || app.Lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Ctrl+C, SIGTERM or the caller's token, even while starting: a normal stop.
        }
        finally
        {
            if (sessionHost is not null) await StopAsync(sessionHost);
            await StopAsync(app);
            if (clearinghouse is not null) await StopAsync(clearinghouse);
            RdLicensing.Storage.Sqlite.SqliteDialect.ClearPools();
        }
    }

    /// <summary>Starts the app; a port already taken becomes one line naming it and what to do.</summary>
    internal static async Task StartAsync(WebApplication app, string urls, string service, string portHint, CancellationToken ct)
    {
        try
        {
            await app.StartAsync(ct);
        }
        catch (Exception e) when (IsAddressInUse(e))
        {
            throw new CliException($"{urls} is already in use (is another {service} running?); choose another port with {portHint}.");
        }
    }

    internal static async Task StopAsync(WebApplication app)
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await app.StopAsync(grace.Token); }
        catch (OperationCanceledException) { /* requests still running after 10 s are abandoned: we are shutting down */ }
        await app.DisposeAsync();
    }

    /// <summary>Where the started app really listens (port 0 resolved), as scheme://host:port.</summary>
    internal static string AddressOf(WebApplication app) =>
        Reachable(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First())).GetLeftPart(UriPartial.Authority);

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

    internal static void ConfigureLogging(ILoggingBuilder logging, LogLevel level)
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
