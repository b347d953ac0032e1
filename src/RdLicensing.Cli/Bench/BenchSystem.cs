using RdLicensing.SessionHost.Rdp;
using System.Net;
using Microsoft.Extensions.Logging;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Hosting;
using RdLicensing.Cli.Output;
using RdLicensing.Clearinghouse;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer;
using RdLicensing.Rdp;
using RdLicensing.Rdp.Connection;
using RdLicensing.ServiceDefaults;
using RdLicensing.SessionHost;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// What `rdlic bench rdp` measures unless it is given an endpoint: the services of `rdlic up` (clearinghouse, license
/// server, session host with its RDP endpoint on a free port), in this process, in a temporary directory deleted
/// afterwards. Set up as an administrator would with rdlic: the license server activated automatically, one retail
/// code issued by the clearinghouse and installed for the CALs needed, the session host in Per Device mode.
/// </summary>
internal static class BenchSystem
{
    private static readonly CompanyInformation BenchCompany = new("Bench", "Runner", "RdLicensing benchmark", "Canada");

    /// <summary>Starts the system, runs <paramref name="work"/> against its RDP endpoint (127.0.0.1, a free port), stops and deletes it.</summary>
    /// <param name="desktops">
    /// The session host's `--desktop` list (<see cref="RdpEndpointOptions.Desktops"/>): licensed connections are relayed
    /// to them (`rdlic bench relay`); none for today's licensing-only endpoint.
    /// </param>
    public static async Task<T> RunAsync<T>(int perDeviceCals, Func<IPEndPoint, CancellationToken, Task<T>> work, CancellationToken ct, IReadOnlyList<Uri>? desktops = null)
    {
        var data = Path.Combine(Path.GetTempPath(), "rdlic-bench-" + Guid.NewGuid().ToString("N")[..10]);
        var beside = new BesideServices(
            new ClearinghouseOptions { DataDirectory = Path.Combine(data, "clearinghouse"), Urls = "http://127.0.0.1:0" },
            new SessionHostOptions { DataDirectory = Path.Combine(data, "sessionhost"), Urls = "http://127.0.0.1:0" },
            new RdpEndpointOptions { Port = 0, SecurityLayer = RdpSecurityLayer.Negotiate, Desktops = [.. desktops ?? []] });
        var options = new LicenseServerOptions
        {
            DataDirectory = Path.Combine(data, "license-server"),
            Urls = "http://127.0.0.1:0",
            ClearinghouseCertificatePath = beside.Clearinghouse.CertificatePath,
        };
        // ServerRunner keeps the services up until its token is cancelled: cancelling it once the work is done stops them.
        using var finished = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var outcome = default(T);
        var done = false;
        try
        {
            await ServerRunner.RunAsync(new Render(TextWriter.Null), options, LogLevel.Error, "--endpoint (to measure a running endpoint instead)",
                async (running, token) =>
                {
                    await PrepareAsync(running, options, beside, perDeviceCals, token);
                    outcome = await work(running.Rdp!.EndPoint, token);
                    done = true;
                    await finished.CancelAsync();
                }, finished.Token, beside);
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
        // The services also stop when the caller's token is cancelled (Ctrl+C) before the work is done.
        return done ? outcome! : throw new OperationCanceledException(ct);
    }

    private static async Task PrepareAsync(RunningServices running, LicenseServerOptions options, BesideServices beside, int perDeviceCals, CancellationToken ct)
    {
        var serverToken = options.AdminTokenPath;
        using var licenseServer = new LicenseServerClient(new Connection(running.LicenseServer, AdminTokenFile.Read(serverToken), serverToken, serverToken));
        await licenseServer.ActivateAutomaticAsync(BenchCompany, ct);

        var clearinghouseToken = beside.Clearinghouse.AdminTokenPath;
        using (var clearinghouse = new ClearinghouseClient(new ClearinghouseConnection(running.Clearinghouse!, AdminTokenFile.Read(clearinghouseToken), clearinghouseToken, clearinghouseToken)))
        {
            var version = SessionHostOptions.DefaultVersion.ToShortName();
            var codes = (await clearinghouse.IssueCodesAsync(new RetailCodesRequest(version, CalType.PerDevice.ToShortName(), perDeviceCals, 1), ct)).Value;
            await licenseServer.InstallLicensesAsync(new LicenseInstallBody("retail", LicenseCode: codes[0].Code), ct);
        }

        var hostToken = beside.SessionHost.AdminTokenPath;
        using var sessionHost = new SessionHostClient(new SessionHostConnection(running.SessionHost!, AdminTokenFile.Read(hostToken), hostToken, hostToken));
        await sessionHost.SetConfigAsync(new SessionHostConfigUpdate("per-device", null, null), ct);
    }
}
