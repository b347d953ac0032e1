using RdLicensing.Core.Cals;
using RdLicensing.Core.Time;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace RdLicensing.SessionHost.Tests.Support;

internal sealed class FixedValidity(int days) : IPermanentValidity
{
    public int NextDays() => days;
}

/// <summary>
/// License servers and one session host sharing ONE simulated clock: the first license server's (or a clock of
/// their own when there is no license server). Time moves for all of them together.
/// </summary>
public sealed class Scenario : IAsyncDisposable
{
    private readonly List<TestLicenseServer> _running;

    private Scenario(List<TestLicenseServer> servers, SimulatedTimeProvider clock, TestSessionHost host)
    {
        _running = [.. servers];
        Servers = servers;
        Clock = clock;
        Host = host;
    }

    public IReadOnlyList<TestLicenseServer> Servers { get; }
    public TestLicenseServer Server => Servers[0];
    public SimulatedTimeProvider Clock { get; }
    public TestSessionHost Host { get; }

    public static async Task<Scenario> StartAsync(int licenseServers = 1, ProductVersion serverVersion = ProductVersion.WindowsServer2025,
        int? permanentDays = 60, string hostName = "rdsh-01", Action<IServiceCollection>? hostServices = null)
    {
        var servers = new List<TestLicenseServer>();
        for (var i = 0; i < licenseServers; i++)
            servers.Add(await TestLicenseServer.StartAsync(serverVersion, validity: permanentDays is { } d ? new FixedValidity(d) : null));
        var clock = servers.Count > 0
            ? (SimulatedTimeProvider)servers[0].Services.GetRequiredService<TimeProvider>()
            : new SimulatedTimeProvider(TimeProvider.System);
        var host = await TestSessionHost.StartAsync(clock, hostName, services: hostServices);
        return new Scenario(servers, clock, host);
    }

    /// <summary>Activates the first license server and installs CALs on it.</summary>
    public async Task<Scenario> WithCalsAsync(CalType type, ProductVersion version, int quantity, int server = 0)
    {
        await Servers[server].ActivateAsync();
        await Servers[server].InstallAsync(version, type, quantity);
        return this;
    }

    /// <summary>Moves the shared clock: the running license servers by their API (which also runs their expiry sweep), or the clock itself.</summary>
    public async Task AdvanceAsync(string by)
    {
        if (!DurationText.TryParse(by, out var duration)) throw new ArgumentException(by);
        if (_running.Contains(Servers.FirstOrDefault()!))
        {
            foreach (var server in _running) await server.AdvanceAsync(by);
        }
        else
        {
            Clock.Advance(duration);
            foreach (var server in _running) await server.AdvanceAsync(by);
        }
    }

    /// <summary>Stops a license server (its clock object keeps working for the host).</summary>
    public async Task StopAsync(TestLicenseServer server)
    {
        _running.Remove(server);
        await server.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        foreach (var server in _running) await server.DisposeAsync();
    }
}
