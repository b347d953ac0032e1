using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Hosting;
using RdLicensing.Clearinghouse;
using RdLicensing.Clearinghouse.Hosting;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// The vendor side for the bench's own license server, in this process on a free port, as `rdlic up` runs it: the
/// server trusts its certificate, activates with it automatically, and installs the retail codes it issues. Needed only
/// while the server is set up.
/// </summary>
internal sealed class BenchClearinghouse : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ClearinghouseClient _client;

    private BenchClearinghouse(WebApplication app, ClearinghouseOptions options)
    {
        _app = app;
        Url = ServerRunner.AddressOf(app);
        CertificatePath = options.CertificatePath;
        var token = options.AdminTokenPath;
        _client = new ClearinghouseClient(new ClearinghouseConnection(Url, AdminTokenFile.Read(token), token, token));
    }

    public string Url { get; }

    public string CertificatePath { get; }

    public static async Task<BenchClearinghouse> StartAsync(string directory, CancellationToken ct)
    {
        var options = new ClearinghouseOptions { DataDirectory = directory, Urls = "http://127.0.0.1:0" };
        var app = ClearinghouseHost.Build(options, logging: logging => ServerRunner.ConfigureLogging(logging, LogLevel.Error));
        await ServerRunner.StartAsync(app, options.Urls, "clearinghouse", "a free port (0)", ct);
        return new BenchClearinghouse(app, options);
    }

    /// <summary>A retail license code for <paramref name="quantity"/> CALs, as the vendor sells them.</summary>
    public async Task<string> RetailCodeAsync(CalType type, ProductVersion version, int quantity, CancellationToken ct) =>
        (await _client.IssueCodesAsync(new RetailCodesRequest(version.ToShortName(), type.ToShortName(), quantity, 1), ct)).Value[0].Code;

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await ServerRunner.StopAsync(_app);
    }
}
