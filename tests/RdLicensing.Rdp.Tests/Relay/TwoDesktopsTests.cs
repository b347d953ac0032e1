using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Tests.Interop;
using RdLicensing.Rdp.Tests.Support;
using RdLicensing.SessionHost.Rdp;

namespace RdLicensing.Rdp.Tests.Relay;

/// <summary>
/// `--desktop` twice, to two real xrdp desktops (<see cref="TwoXrdpListeners"/>: two xrdp listeners sharing the
/// machine's one sesman): a new client goes to the less busy one, and a user whose session a desktop holds goes back
/// to it though the other is less busy. Each listener's own log shows which one the client reached.
/// </summary>
[Collection(RealClientsCollection.Name)]
public sealed class TwoDesktopsTests(XvfbDisplay display, TwoXrdpListeners xrdp) : IClassFixture<TwoXrdpListeners>
{
    private static readonly TimeSpan DesktopWithin = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task New_clients_spread_over_two_xrdp_desktops_and_a_users_reconnection_goes_back_to_the_one_holding_their_session()
    {
        await using var system = await RdpTestSystem.StartAsync(RdpSecurityLayer.Negotiate, perDeviceCals: 10,
            rdp: o => o.Desktops = [xrdp.Address, xrdp.SecondAddress]);
        var live = system.HostServices.GetRequiredService<LiveConnections>();
        var first = xrdp.Address.ToString().TrimEnd('/');
        var second = xrdp.SecondAddress.ToString().TrimEnd('/');
        var home = Directory.CreateDirectory(Path.Combine(display.HomesRoot, Guid.NewGuid().ToString("N")[..8])).FullName;

        // rdpuser signs in: both desktops idle, the first listed takes it and from then on holds rdpuser's session.
        await using (var signIn = RunningClient.Start("xfreerdp", display, home, system.Port, "two-signin", true, XrdpDesktop.User, XrdpDesktop.Password))
        {
            Assert.Equal(RunningClient.DesktopColour, await signIn.WaitForDesktopAsync(DesktopWithin));
            await WaitUntilAsync(() => live.List() is [{ AuthenticatedUser: not null }], "rdpuser signed in");
            Assert.Equal(first, live.List()[0].Desktop);
        }
        await WaitUntilAsync(() => live.List().Count == 0, "rdpuser's first connection is gone");
        Assert.Contains("computer name: two-signin", xrdp.ListenerLog(1));

        // alice (a password PAM refuses) waits at a login screen: the first desktop is now the busier one.
        await using var waiting = RunningClient.Start("xfreerdp", display, home, system.Port, "two-alice", true, "alice", "not-her-password");
        await WaitUntilAsync(() => live.List().Count == 1, "alice's connection is relayed");
        Assert.Equal(first, live.List()[0].Desktop);

        // rdpuser comes back: to the first desktop, which holds the session, though the second is idle.
        await using (var back = RunningClient.Start("xfreerdp", display, home, system.Port, "two-back", true, XrdpDesktop.User, XrdpDesktop.Password))
        {
            Assert.Equal(RunningClient.DesktopColour, await back.WaitForDesktopAsync(DesktopWithin));
            await WaitUntilAsync(() => live.List().Any(c => c.AuthenticatedUser is not null), "rdpuser signed in again");
            Assert.Equal(first, live.List().Single(c => c.AuthenticatedUser is not null).Desktop);
        }
        Assert.Contains("computer name: two-back", xrdp.ListenerLog(1));
        Assert.DoesNotContain("computer name: two-back", xrdp.ListenerLog(2));
        await WaitUntilAsync(() => live.List().Count == 1, "rdpuser's second connection is gone");

        // Anyone else goes to the less busy desktop: the second (positive control of the spreading, in its own log).
        await using var bob = RunningClient.Start("xfreerdp", display, home, system.Port, "two-bob", true, "bob", "not-his-password");
        await WaitUntilAsync(() => live.List().Count == 2, "bob's connection is relayed");
        Assert.Equal(second, live.List().Single(c => c.Desktop != first).Desktop);
        await WaitUntilAsync(() => xrdp.ListenerLog(2).Contains("computer name: two-bob"), "the second xrdp logs bob's client");
        Assert.DoesNotContain("computer name: two-bob", xrdp.ListenerLog(1));
        Assert.Equal(0, system.Rdp.Faults);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within 30 s: {what}");
            await Task.Delay(50);
        }
    }
}
