using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RdLicensing.Clearinghouse;
using RdLicensing.Clearinghouse.Hosting;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.Testing;

/// <summary>
/// A real clearinghouse on 127.0.0.1 with a free port and its own temporary data directory. Point a license
/// server at <see cref="CertificatePath"/> and <see cref="BaseAddress"/>; create what a customer bought with
/// the helpers. Dispose stops it and deletes the directory.
/// </summary>
public sealed class TestClearinghouse : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestClearinghouse(WebApplication app, string dataDirectory, Uri baseAddress, string adminToken)
    {
        _app = app;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        AdminToken = adminToken;
        Admin = NewClient(adminToken);
        Public = NewClient(null);
    }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    /// <summary>The exported root certificate (PEM) a license server trusts.</summary>
    public string CertificatePath => Path.Combine(DataDirectory, "clearinghouse.pem");

    public string AdminToken { get; }

    /// <summary>Sends the clearinghouse administrator token (vendor admin API under /api/admin).</summary>
    public HttpClient Admin { get; }

    /// <summary>No credential: the public API a license server uses (activation, Install Licenses, reissue, migration).</summary>
    public HttpClient Public { get; }

    /// <param name="configure">Changes the options before start, e.g. tighter rate limits.</param>
    /// <param name="logs">Also receives the clearinghouse's log lines (warnings and up), for tests of what a refusal logs.</param>
    public static async Task<TestClearinghouse> StartAsync(TimeProvider? clock = null, Action<ClearinghouseOptions>? configure = null, ILoggerProvider? logs = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "rdl-ch-test-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new ClearinghouseOptions { DataDirectory = dataDirectory, Urls = "http://127.0.0.1:0" };
        configure?.Invoke(options);
        var app = ClearinghouseHost.Build(options, clock, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Warning);
            if (logs is not null) logging.AddProvider(logs);
        });
        var (address, token) = await LoopbackService.StartAsync(app, options.AdminTokenPath);
        return new TestClearinghouse(app, options.DataDirectory, address, token);
    }

    public HttpClient NewClient(string? token) => LoopbackService.Client(BaseAddress, token);

    /// <summary>The clearinghouse's services, to call one as its endpoint does (e.g. with a client that has gone).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The clearinghouse's database, for what no API shows (security events, recorded keys).</summary>
    public Storage.ClearinghouseStore Store => _app.Services.GetRequiredService<Storage.ClearinghouseStore>();

    /// <summary>A retail license code (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX) for <paramref name="quantity"/> CALs, usable once.</summary>
    public async Task<string> IssueRetailCodeAsync(ProductVersion version, CalType type, int quantity)
    {
        var response = await Admin.PostAsJsonAsync("/api/admin/codes", new RetailCodesRequest(version.ToShortName(), type.ToShortName(), quantity, 1));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<RetailCodeView>>())![0].Code;
    }

    /// <summary>A new 7-digit agreement of an agreement program (Select, Enterprise, Campus, School, SPLA, Other) with one entitlement.</summary>
    public async Task<string> AddAgreementAsync(LicenseProgram program, ProductVersion version, CalType type, int quantity)
    {
        var response = await Admin.PostAsJsonAsync("/api/admin/agreements",
            new AgreementRequest(program.ToShortName(), null, [new EntitlementBody(version.ToShortName(), type.ToShortName(), quantity)]));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AgreementView>())!.Number;
    }

    /// <summary>A new Open License (license number and authorization number generated) for <paramref name="quantity"/> CALs, usable once.</summary>
    public async Task<(string LicenseNumber, string AuthorizationNumber)> AddOpenLicenseAsync(ProductVersion version, CalType type, int quantity)
    {
        var response = await Admin.PostAsJsonAsync("/api/admin/open-licenses", new OpenLicenseRequest(null, null, version.ToShortName(), type.ToShortName(), quantity));
        response.EnsureSuccessStatusCode();
        var open = (await response.Content.ReadFromJsonAsync<OpenLicenseView>())!;
        return (open.LicenseNumber, open.AuthorizationNumber);
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Public.Dispose();
        await LoopbackService.StopAsync(_app, DataDirectory);
    }
}
