using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.Testing;

/// <summary>
/// A real license server on 127.0.0.1 with a free port, its own temporary data directory and a simulated
/// clock, trusting a <see cref="TestKeyAuthority"/>. Dispose stops it and deletes the directory.
/// </summary>
public sealed class TestLicenseServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestLicenseServer(WebApplication app, string dataDirectory, TestKeyAuthority authority, Uri baseAddress, string adminToken)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Authority = authority;
        BaseAddress = baseAddress;
        AdminToken = adminToken;
        Admin = NewClient(adminToken);
    }

    public string DataDirectory { get; }
    public TestKeyAuthority Authority { get; }
    public Uri BaseAddress { get; }
    public string AdminToken { get; }
    public HttpClient Admin { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>Keep the data directory after disposal, e.g. to start another server on it.</summary>
    public bool KeepDataDirectory { get; set; }
    public LicenseStore Store => _app.Services.GetRequiredService<LicenseStore>();
    public string ProductId => _app.Services.GetRequiredService<ServerState>().ProductId;

    /// <summary>The server's identity key (to sign clearinghouse calls as this server: <see cref="SignedClearinghouseCalls"/>).</summary>
    public Core.Identity.LicenseServerIdentity Identity => _app.Services.GetRequiredService<ServerState>().Identity;

    /// <summary>This installation's id, as the server's signed clearinghouse calls name it.</summary>
    public string InstallationId => _app.Services.GetRequiredService<ServerState>().InstallationId;

    /// <param name="clearinghouse">A real clearinghouse: the server trusts its certificate (instead of <paramref name="authority"/>'s) and calls it (automatic connection method).</param>
    /// <param name="clearinghouseUrl">Where the server looks for a clearinghouse when <paramref name="clearinghouse"/> is not given (e.g. an address nobody answers).</param>
    /// <param name="sharedClock">The clock to use instead of the server's own, e.g. a <c>SimulatedTimeProvider</c> the clearinghouse shares, so both travel together.</param>
    /// <param name="configure">Changes the options last, e.g. low rate limits or another database.</param>
    /// <param name="database">A PostgreSQL database this server shares with other nodes (the test owns it); by default its own SQLite file, or its own PostgreSQL database under RDLIC_TEST_SERVERS_ON=postgres.</param>
    /// <param name="logging">Adds to the logging set-up (warnings and above by default), e.g. a provider that captures every line.</param>
    public static async Task<TestLicenseServer> StartAsync(
        ProductVersion version = ProductVersion.WindowsServer2025, bool trustClearinghouse = true, ClockMode clock = ClockMode.Simulated,
        string? dataDirectory = null, TestKeyAuthority? authority = null, IPermanentValidity? validity = null,
        TestClearinghouse? clearinghouse = null, string? clearinghouseUrl = null, TimeProvider? sharedClock = null,
        Action<LicenseServerOptions>? configure = null, Action<ILoggingBuilder>? logging = null, string? database = null)
    {
        authority ??= new TestKeyAuthority();
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "rdl-test-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new LicenseServerOptions
        {
            DataDirectory = dataDirectory,
            Urls = "http://127.0.0.1:0",
            ProductVersion = version,
            Clock = clock,
            ClearinghouseCertificatePath = !trustClearinghouse ? null
                : clearinghouse is not null ? clearinghouse.CertificatePath
                : authority.WriteCertificate(dataDirectory),
            ClearinghouseUrl = clearinghouse?.BaseAddress.ToString().TrimEnd('/') ?? clearinghouseUrl,
            // Alerts are evaluated when a test reads them, not by a timer that would add events at a moment no test chose.
            AlertInterval = Timeout.InfiniteTimeSpan,
        };
        // RDLIC_TEST_SERVERS_ON=postgres runs every test's server on a fresh PostgreSQL database: the same tests, the other dialect.
        if (database is not null)
        {
            options.Database = database;
        }
        else if (ThrowawayPostgres.ServersUsePostgres)
        {
            var marker = Path.Combine(dataDirectory, PostgresMarker);
            database = File.Exists(marker) ? await File.ReadAllTextAsync(marker) : await ThrowawayPostgres.CreateDatabaseAsync();
            Directory.CreateDirectory(dataDirectory);
            await File.WriteAllTextAsync(marker, database);
            options.Database = database;
        }
        configure?.Invoke(options);
        var app = LicenseServerHost.Build(options, builder => { builder.SetMinimumLevel(LogLevel.Warning); logging?.Invoke(builder); },
            services =>
            {
                if (validity is not null) services.AddSingleton(validity);
                if (sharedClock is not null) services.AddSingleton(sharedClock);
            });
        var (address, token) = await LoopbackService.StartAsync(app, options.AdminTokenPath);
        return new TestLicenseServer(app, dataDirectory, authority, address, token);
    }

    /// <summary>
    /// Another node of this license server on the same PostgreSQL database: the same identity, key packs, CALs and
    /// administrators (it gets a copy of admin.token, as an administrator would give it), its own data directory and port.
    /// </summary>
    public static async Task<TestLicenseServer> StartNodeAsync(string database, TestKeyAuthority authority, string adminToken)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "rdl-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDirectory);
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "admin.token"), adminToken);
        return await StartAsync(dataDirectory: dataDirectory, authority: authority, database: database,
            configure: o => o.SharedStateRefreshInterval = TimeSpan.FromMilliseconds(200));
    }

    public HttpClient NewClient(string? token) => LoopbackService.Client(BaseAddress, token);

    /// <summary>Enrolls a session host and returns a client that speaks as it.</summary>
    public async Task<HttpClient> EnrollHostAsync(string name = "rdsh-01", bool inSecurityGroup = false)
    {
        var response = await Admin.PostAsJsonAsync("/api/admin/sessionhosts", new EnrollBody(name, inSecurityGroup));
        response.EnsureSuccessStatusCode();
        var enrolled = (await response.Content.ReadFromJsonAsync<EnrollResponse>())!;
        return NewClient(enrolled.Token);
    }

    public async Task ActivateAsync(TimeSpan? validFor = null)
    {
        var now = (await Admin.GetFromJsonAsync<ClockView>("/api/admin/clock"))!.Now;
        var response = await Admin.PostAsJsonAsync("/api/admin/activation",
            new ActivationCodeBody(Authority.IssueLicenseServerId(ProductId, now + (validFor ?? TimeSpan.FromDays(365 * 5)))));
        response.EnsureSuccessStatusCode();
    }

    public async Task<KeyPackView> InstallAsync(ProductVersion version, CalType type, int quantity)
    {
        var response = await Admin.PostAsJsonAsync("/api/admin/keypacks", new SignedFileBody(Authority.SignKeyPack(ProductId, version, type, quantity)));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<KeyPackView>())!;
    }

    public async Task AdvanceAsync(string by)
    {
        var response = await Admin.PostAsJsonAsync("/api/admin/clock/advance", new ClockAdvanceBody(by));
        response.EnsureSuccessStatusCode();
    }

    // A server started again on the same data directory finds its PostgreSQL database here, as it would find licensing.db.
    private const string PostgresMarker = "test-postgres-database";

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        var marker = Path.Combine(DataDirectory, PostgresMarker);
        var database = File.Exists(marker) ? await File.ReadAllTextAsync(marker) : null;
        await LoopbackService.StopAsync(_app, DataDirectory, KeepDataDirectory);
        if (database is not null && !KeepDataDirectory) await ThrowawayPostgres.DropDatabaseAsync(database);
    }
}
