using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RdLicensing.Core.Protocol;
using RdLicensing.SessionHost;
using RdLicensing.SessionHost.Hosting;
using RdLicensing.Storage;
using RdLicensing.Testing;

namespace RdLicensing.SessionHost.Tests.Support;

/// <summary>
/// A real session host on 127.0.0.1 with a free port and its own temporary data directory, on a given clock.
/// <see cref="Http"/> is a client device (no credential); <see cref="Admin"/> sends the administrator token.
/// </summary>
public sealed class TestSessionHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestSessionHost(WebApplication app, SessionHostOptions options, Uri baseAddress, string adminToken)
    {
        _app = app;
        Options = options;
        BaseAddress = baseAddress;
        AdminToken = adminToken;
        Http = NewClient(null);
        Admin = NewClient(adminToken);
    }

    public SessionHostOptions Options { get; }
    public Uri BaseAddress { get; }
    public string HostUrl => BaseAddress.GetLeftPart(UriPartial.Authority);
    public HttpClient Http { get; }
    public HttpClient Admin { get; }
    public string AdminToken { get; }
    public string Name => Options.Name;
    public IServiceProvider Services => _app.Services;
    public SessionHostStore Store => _app.Services.GetRequiredService<SessionHostStore>();

    /// <summary>Keep the data directory after disposal, e.g. to start another host on the same store.</summary>
    public bool KeepDataDirectory { get; set; }

    /// <param name="clock">A clock to share; null: the host's own simulated clock (as `rdlic sessionhost run --clock simulated`).</param>
    /// <param name="services">More services, e.g. an RdpEndpointOptions listing desktops for the diagnoser.</param>
    public static async Task<TestSessionHost> StartAsync(TimeProvider? clock, string name = "rdsh-01", string? dataDirectory = null,
        Action<SessionHostOptions>? configure = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var options = new SessionHostOptions
        {
            DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "rdl-sh-" + Guid.NewGuid().ToString("N")[..12]),
            Urls = "http://127.0.0.1:0",
            Name = name,
            SimulatedClock = clock is null,
            LicenseServerTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        var app = SessionHostServer.Build(options, clock, logging => logging.SetMinimumLevel(LogLevel.Warning), services);
        var (address, token) = await LoopbackService.StartAsync(app, options.AdminTokenPath);
        return new TestSessionHost(app, options, address, token);
    }

    public HttpClient NewClient(string? token) => LoopbackService.Client(BaseAddress, token);

    public async Task<ConnectionView> ConnectAsync(string device, string? user = "alice", string? presented = null, bool admin = false)
    {
        var response = await Http.PostAsJsonAsync("/api/connections",
            new ConnectBody(admin ? null : Device.HardwareIdOf(device), device, user, presented, admin));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ConnectionView>())!;
    }

    public async Task<SessionSignInView> SignInAsync(string sessionId)
    {
        var response = await Http.PostAsync($"/api/sessions/{sessionId}/sign-in", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SessionSignInView>())!;
    }

    public async Task<SessionView> EndAsync(string sessionId)
    {
        var response = await Http.DeleteAsync($"/api/sessions/{sessionId}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SessionView>())!;
    }

    public async Task<SessionHostConfigChange> ConfigureAsync(string? mode = null, IReadOnlyList<string>? servers = null, string? version = null)
    {
        var response = await Admin.PutAsJsonAsync("/api/config", new SessionHostConfigUpdate(mode, servers, version));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SessionHostConfigChange>())!;
    }

    /// <summary>Lists the users who may open administrative sessions without a CAL.</summary>
    public async Task AdministratorsAsync(params string[] names)
    {
        var response = await Admin.PutAsJsonAsync("/api/config", new SessionHostConfigUpdate(null, null, null, names));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Enrolls this host on the license server (as an administrator would) and stores the token through the host's API.</summary>
    public async Task<HostEnrollmentView> EnrollAsync(TestLicenseServer server, bool inSecurityGroup = false)
    {
        var enrolled = await server.Admin.PostAsJsonAsync("/api/admin/sessionhosts", new EnrollBody(Name, inSecurityGroup));
        enrolled.EnsureSuccessStatusCode();
        var token = (await enrolled.Content.ReadFromJsonAsync<EnrollResponse>())!.Token;
        var response = await Admin.PostAsJsonAsync("/api/enrollments", new HostEnrollmentBody(server.BaseAddress.ToString(), token));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<HostEnrollmentView>())!;
    }

    /// <summary>Enrolls with each server and makes them the license server list, in this order, with the given mode.</summary>
    public async Task UseAsync(string mode, params TestLicenseServer[] servers)
    {
        foreach (var server in servers) await EnrollAsync(server);
        await ConfigureAsync(mode, servers.Select(Url).ToList());
    }

    /// <summary>What `rdlic up` does in-process: enroll with the license server's administrator token and list the server.</summary>
    public Task<LicenseServers.EnrollmentResult> JoinAsync(TestLicenseServer server) => _app.JoinLicenseServerAsync(Url(server), server.AdminToken);

    public static string Url(TestLicenseServer server) => server.BaseAddress.GetLeftPart(UriPartial.Authority);

    public async Task<SessionHostStatusView> StatusAsync() => (await Admin.GetFromJsonAsync<SessionHostStatusView>("/api/status"))!;

    public async Task<List<SessionHostEventView>> EventsAsync(int? id = null) =>
        (await Admin.GetFromJsonAsync<List<SessionHostEventView>>("/api/events?limit=1000" + (id is null ? "" : $"&eventId={id}")))!;

    public async Task<DiagnosisView> DiagnoseAsync() => (await Admin.GetFromJsonAsync<DiagnosisView>("/api/diagnose"))!;

    public async Task WritePolicyAsync(string json) => await File.WriteAllTextAsync(Options.PolicyFilePath, json);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Admin.Dispose();
        await LoopbackService.StopAsync(_app, Options.DataDirectory, KeepDataDirectory);
    }
}
