using Microsoft.Extensions.Options;
using RdLicensing.Storage;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>Returns the licenses of expired CALs to the pool even when no client connects.</summary>
public sealed class ExpirySweeper(CalIssuer issuer, LicenseStore store, IOptions<LicenseServerOptions> options, ILogger<ExpirySweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A real-time interval: a simulated clock is swept when it is advanced.
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval);
        var shared = store.Dialect is not SqliteDialect;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // On a shared database the sweep is claimed for two intervals: the node that sweeps keeps the job while it
                // runs, another takes over when it stops. A SQLite database has one server, which needs no claim.
                await issuer.SweepAsync(stoppingToken, shared ? new JobLease("expiry-sweep", options.Value.ExpirySweepInterval * 2) : null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "The expiry sweep failed; it runs again in {Interval}", options.Value.ExpirySweepInterval);
            }
        }
    }
}

/// <summary>A periodic job's claim: its name, and how long a run's claim holds off the other nodes (real time).</summary>
public sealed record JobLease(string Job, TimeSpan Duration);
