using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using RdLicensing.Cli.Output;
using RdLicensing.Clearinghouse;
using RdLicensing.Clearinghouse.Hosting;

namespace RdLicensing.Cli.Hosting;

/// <summary>`rdlic clearinghouse run`: only the clearinghouse, in this process, until Ctrl+C.</summary>
internal static class ClearinghouseRunner
{
    public static async Task<int> RunAsync(Render output, ClearinghouseOptions options, CancellationToken ct)
    {
        var app = ClearinghouseHost.Build(options, logging: logging =>
        {
            ServerRunner.ConfigureLogging(logging, LogLevel.Information);
            logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning); // the banner says where it listens and how to stop
        });
        try
        {
            await ServerRunner.StartAsync(app, options.Urls, "clearinghouse", "--urls (e.g. --urls http://127.0.0.1:5082)", ct);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, app.Lifetime.ApplicationStopping);
            ClearinghouseBanner.Print(output, options, ServerRunner.AddressOf(app));
            output.Line("Press Ctrl+C to stop.");
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested || app.Lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Ctrl+C, SIGTERM or the caller's token: a normal stop.
        }
        finally
        {
            await ServerRunner.StopAsync(app);
            RdLicensing.Storage.Sqlite.SqliteDialect.ClearPools();
        }
        output.Line("The clearinghouse stopped.");
        return 0;
    }
}
