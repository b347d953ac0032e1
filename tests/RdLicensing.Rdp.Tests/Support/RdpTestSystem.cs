using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Time;
using RdLicensing.Core.Versions;
using RdLicensing.Rdp.Connection;
using RdLicensing.SessionHost.Rdp;
using RdLicensing.SessionHost;
using RdLicensing.SessionHost.Hosting;

namespace RdLicensing.Rdp.Tests.Support;

/// <summary>
/// A real license server (activated, optionally with Windows Server 2022 Per Device CALs) and a real session host
/// enrolled with it, in Per Device mode, with its RDP endpoint on a free 127.0.0.1 port — all on the license server's
/// simulated clock. <see cref="Results"/> collects what each RDP connection was given, in order.
/// </summary>
public sealed class RdpTestSystem : IAsyncDisposable
{
    private readonly WebApplication _host;
    private readonly SessionHostOptions _hostOptions;
    private bool _licenseServerStopped;
    private bool _keepData;

    private RdpTestSystem(TestLicenseServer licenseServer, WebApplication host, SessionHostOptions hostOptions, HttpClient hostAdmin, SimulatedTimeProvider clock)
    {
        LicenseServer = licenseServer;
        _host = host;
        _hostOptions = hostOptions;
        HostAdmin = hostAdmin;
        Clock = clock;
        Rdp = host.RdpEndpoint()!;
        Rdp.Completed += Results.Enqueue;
    }

    public TestLicenseServer LicenseServer { get; }
    public RdpListener Rdp { get; }
    public int Port => Rdp.Port;
    public SimulatedTimeProvider Clock { get; }

    /// <summary>The session host's administrative API (config, events, sessions).</summary>
    public HttpClient HostAdmin { get; }

    public IServiceProvider HostServices => _host.Services;

    /// <summary>The X.509 chain the License Request carries (null: the proprietary certificate).</summary>
    public byte[]? CertificateChain => _host.Services.GetRequiredService<RdpServerContext>().CertificateChain;

    public string DataDirectory => _hostOptions.DataDirectory;

    public ConcurrentQueue<RdpConnectionResult> Results { get; } = new();

    /// <summary>
    /// The result of the <paramref name="number"/>th connection (1-based). A client can exit on the server's last PDU
    /// a moment before the server's side of the connection has finished: this waits for it.
    /// </summary>
    public async Task<RdpConnectionResult> ResultAsync(int number)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (Results.Count < number) await Task.Delay(20, timeout.Token);
        return Results.ElementAt(number - 1);
    }

    /// <param name="dataDirectory">The session host's data directory (default: a new temporary one).</param>
    /// <param name="keepData">Keep the session host's data directory after disposal, e.g. to start again on it.</param>
    public static async Task<RdpTestSystem> StartAsync(RdpSecurityLayer layer = RdpSecurityLayer.Negotiate, int perDeviceCals = 0,
        string mode = "per-device", Action<RdpEndpointOptions>? rdp = null, string? dataDirectory = null, bool keepData = false,
        TestClearinghouse? clearinghouse = null, SimulatedTimeProvider? sharedClock = null)
    {
        // With a clearinghouse (sharing its simulated clock): activated automatically through it, so the server can rotate its key.
        var licenseServer = clearinghouse is null ? await TestLicenseServer.StartAsync() : await TestLicenseServer.StartAsync(clearinghouse: clearinghouse, sharedClock: sharedClock);
        if (clearinghouse is null) await licenseServer.ActivateAsync();
        else
            (await licenseServer.Admin.PostAsJsonAsync("/api/admin/activation/automatic",
                new AutomaticActivationBody(new CompanyInformation("Ada", "Lovelace", "Contoso", "United Kingdom", Email: "ada@contoso.example")))).EnsureSuccessStatusCode();
        if (perDeviceCals > 0) await licenseServer.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, perDeviceCals);
        var clock = (SimulatedTimeProvider)licenseServer.Services.GetRequiredService<TimeProvider>();

        var options = new SessionHostOptions
        {
            DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "rdl-rdp-" + Guid.NewGuid().ToString("N")[..12]),
            Urls = "http://127.0.0.1:0",
            LicenseServerTimeout = TimeSpan.FromSeconds(5),
        };
        // 1024-bit keys keep the per-test key generation quick; the production default is 2048.
        var endpoint = new RdpEndpointOptions { Port = 0, SecurityLayer = layer, KeyBits = 1024 };
        rdp?.Invoke(endpoint);
        // RDLIC_TEST_LOG=debug: the endpoint's and the relay's log lines on the console (what a desktop sends at its logon).
        var debug = Environment.GetEnvironmentVariable("RDLIC_TEST_LOG") == "debug";
        var host = RdpSessionHost.Build(options, endpoint, clock, logging =>
        {
            logging.SetMinimumLevel(debug ? LogLevel.Debug : LogLevel.Warning);
            if (debug) logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning);
        });
        var (address, token) = await LoopbackService.StartAsync(host, options.AdminTokenPath);
        var licenseServerUrl = licenseServer.BaseAddress.GetLeftPart(UriPartial.Authority);
        await host.JoinLicenseServerAsync(licenseServerUrl, licenseServer.AdminToken);
        var admin = LoopbackService.Client(address, token);
        var system = new RdpTestSystem(licenseServer, host, options, admin, clock) { _keepData = keepData };
        await system.ConfigureAsync(mode, [licenseServerUrl]);
        // What the endpoint's background refresh does within a minute, done now so the first connection already sees it.
        if (endpoint.X509LicensingCertificate && await host.Services.GetRequiredService<LicensingCertificates>().RefreshAsync(CancellationToken.None) is { } why)
            throw new InvalidOperationException("The license server did not certify the RDP endpoint's key: " + why);
        return system;
    }

    public async Task ConfigureAsync(string? mode = null, IReadOnlyList<string>? licenseServers = null)
    {
        var response = await HostAdmin.PutAsJsonAsync("/api/config", new SessionHostConfigUpdate(mode, licenseServers, null));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Lists the users who may open administrative sessions without a CAL.</summary>
    public async Task AdministratorsAsync(params string[] names)
    {
        var response = await HostAdmin.PutAsJsonAsync("/api/config", new SessionHostConfigUpdate(null, null, null, names));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Moves the shared clock (through the license server while it runs, so its expiry sweep runs too).</summary>
    public async Task AdvanceAsync(string by)
    {
        if (!_licenseServerStopped)
        {
            await LicenseServer.AdvanceAsync(by);
            return;
        }
        if (!DurationText.TryParse(by, out var duration)) throw new ArgumentException($"'{by}' is not a duration.", nameof(by));
        Clock.Advance(duration);
    }

    /// <summary>Stops the license server: the session host then finds none reachable.</summary>
    public async Task StopLicenseServerAsync()
    {
        if (_licenseServerStopped) return;
        _licenseServerStopped = true;
        await LicenseServer.DisposeAsync();
    }

    public async Task<List<SessionHostEventView>> EventsAsync(int? id = null) =>
        (await HostAdmin.GetFromJsonAsync<List<SessionHostEventView>>("/api/events" + (id is null ? "" : $"?eventId={id}")))!;

    public async ValueTask DisposeAsync()
    {
        HostAdmin.Dispose();
        await LoopbackService.StopAsync(_host, _hostOptions.DataDirectory, _keepData);
        if (!_licenseServerStopped) await LicenseServer.DisposeAsync();
    }
}
