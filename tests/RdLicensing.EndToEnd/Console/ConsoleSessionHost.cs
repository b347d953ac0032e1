using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using RdLicensing.Core.Protocol;
using RdLicensing.SessionHost;
using RdLicensing.SessionHost.Hosting;

namespace RdLicensing.EndToEnd.Console;

/// <summary>A real session host on 127.0.0.1 (its own data directory, the deployment's clock) for the console's Diagnoser page.</summary>
internal sealed class ConsoleSessionHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SessionHostOptions _options;

    private ConsoleSessionHost(WebApplication app, SessionHostOptions options, Uri address, string adminToken)
    {
        _app = app;
        _options = options;
        Url = address.GetLeftPart(UriPartial.Authority);
        AdminToken = adminToken;
        Admin = LoopbackService.Client(address, adminToken);
    }

    public string Url { get; }

    /// <summary>The host's administrator token (rdsa_…), what the console asks for.</summary>
    public string AdminToken { get; }

    public HttpClient Admin { get; }

    public string Name => _options.Name;

    public static async Task<ConsoleSessionHost> StartAsync(TimeProvider clock, string name)
    {
        var options = new SessionHostOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), "rdl-console-sh-" + Guid.NewGuid().ToString("N")[..12]),
            Urls = "http://127.0.0.1:0",
            Name = name,
            LicenseServerTimeout = TimeSpan.FromSeconds(10),
        };
        var app = SessionHostServer.Build(options, clock, logging => logging.SetMinimumLevel(LogLevel.Warning));
        var (address, token) = await LoopbackService.StartAsync(app, options.AdminTokenPath);
        return new ConsoleSessionHost(app, options, address, token);
    }

    /// <summary>What `rdlic up` does: enroll with the license server's administrator token and list it; the licensing mode stays unset.</summary>
    public Task JoinAsync(TestLicenseServer server) => _app.JoinLicenseServerAsync(server.BaseAddress.GetLeftPart(UriPartial.Authority), server.AdminToken);

    public async Task SetModeAsync(string mode)
    {
        var response = await Admin.PutAsJsonAsync("/api/config", new SessionHostConfigUpdate(mode, null, null));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await LoopbackService.StopAsync(_app, _options.DataDirectory);
    }
}
