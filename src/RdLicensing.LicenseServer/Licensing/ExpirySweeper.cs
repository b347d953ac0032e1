using Microsoft.Extensions.Options;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>Returns the licenses of expired CALs to the pool even when no client connects.</summary>
public sealed class ExpirySweeper(CalIssuer issuer, IOptions<LicenseServerOptions> options, ILogger<ExpirySweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A real-time interval: a simulated clock is swept when it is advanced.
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await issuer.SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "The expiry sweep failed; it runs again in {Interval}", options.Value.ExpirySweepInterval);
            }
        }
    }
}
