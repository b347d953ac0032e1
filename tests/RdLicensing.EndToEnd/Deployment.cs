using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Time;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.EndToEnd;

/// <summary>
/// A real clearinghouse and the license servers that use it (automatic connection method), all on one
/// simulated clock so activations and CALs age together. Dispose stops everything.
/// </summary>
internal sealed class Deployment : IAsyncDisposable
{
    public static readonly CompanyInformation Contoso = new("Ada", "Lovelace", "Contoso", "United Kingdom", Email: "ada@contoso.example");

    private readonly List<TestLicenseServer> _servers = [];

    private Deployment(TestClearinghouse clearinghouse, SimulatedTimeProvider clock)
    {
        Clearinghouse = clearinghouse;
        Clock = clock;
    }

    public TestClearinghouse Clearinghouse { get; }

    public SimulatedTimeProvider Clock { get; }

    public static async Task<Deployment> StartAsync()
    {
        var clock = new SimulatedTimeProvider(TimeProvider.System);
        return new Deployment(await TestClearinghouse.StartAsync(clock), clock);
    }

    /// <summary>A license server trusting and calling the clearinghouse; disposed with the deployment.</summary>
    public async Task<TestLicenseServer> AddServerAsync(ProductVersion version = ProductVersion.WindowsServer2025, string? dataDirectory = null, TestKeyAuthority? authority = null)
    {
        var server = await TestLicenseServer.StartAsync(version, dataDirectory: dataDirectory, authority: authority, clearinghouse: Clearinghouse, sharedClock: Clock);
        _servers.Add(server);
        return server;
    }

    /// <summary>Stops a server early (its data directory stays only if <see cref="TestLicenseServer.KeepDataDirectory"/>).</summary>
    public async Task StopAsync(TestLicenseServer server)
    {
        _servers.Remove(server);
        await server.DisposeAsync();
    }

    public static async Task<TestLicenseServer> ActivateAsync(TestLicenseServer server)
    {
        var response = await server.Admin.PostAsJsonAsync("/api/admin/activation/automatic", new AutomaticActivationBody(Contoso));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return server;
    }

    /// <summary>
    /// Activates by the web method as an administrator does: `rdlic server activate --method web` prints the request code, the
    /// clearinghouse page answers the License Server ID, `rdlic server activate --license-server-id` installs it.
    /// </summary>
    public async Task<TestLicenseServer> WebActivateAsync(TestLicenseServer server)
    {
        var requestCode = WebSite.RequestCodeIn(await Rdlic.OkAsync(server, "server", "activate", "--method", "web"));
        using var browser = WebSite.Public(Clearinghouse);
        await Rdlic.OkAsync(server, "server", "activate", "--license-server-id", await browser.ActivateAsync("/activate", requestCode, Contoso));
        return server;
    }

    /// <summary>Installs a retail pack through the clearinghouse (Install Licenses, automatic).</summary>
    public async Task<LicenseInstallResponse> InstallRetailAsync(TestLicenseServer server, ProductVersion version, CalType type, int quantity)
    {
        var code = await Clearinghouse.IssueRetailCodeAsync(version, type, quantity);
        var response = await server.Admin.PostAsJsonAsync("/api/admin/licenses", new LicenseInstallBody("retail", code));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<LicenseInstallResponse>())!;
    }

    public async Task<LicenseInstallResponse> InstallAgreementAsync(TestLicenseServer server, LicenseProgram program, ProductVersion version, CalType type, int quantity)
    {
        var number = await Clearinghouse.AddAgreementAsync(program, version, type, quantity);
        var response = await server.Admin.PostAsJsonAsync("/api/admin/licenses",
            new LicenseInstallBody(program.ToShortName(), AgreementNumber: number, Version: version.ToShortName(), CalType: type.ToShortName(), Quantity: quantity));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<LicenseInstallResponse>())!;
    }

    public static async Task<StatusView> StatusAsync(TestLicenseServer server) => (await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!;

    public static async Task<KeyPackView[]> KeyPacksAsync(TestLicenseServer server) => (await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!;

    public async Task<ActivationRecordView[]> ActivationRecordsAsync() =>
        (await Clearinghouse.Admin.GetFromJsonAsync<ActivationRecordView[]>("/api/admin/activations"))!;

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        await Clearinghouse.DisposeAsync();
    }
}
