using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Relay;
using RdLicensing.Core.SessionHost;
using RdLicensing.SessionHost.Diagnostics;
using RdLicensing.SessionHost.Rdp;
using RdLicensing.Storage;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.Rdp.Tests.Relay;

/// <summary>Which desktop a new connection goes to: the least busy, or the one holding the user's session; the next when one is down.</summary>
public sealed class DesktopRelayTests : IDisposable
{
    private readonly TcpListener _a = Listen();
    private readonly TcpListener _b = Listen();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("rdlic-relay-");
    private readonly SessionHostStore _store;

    public DesktopRelayTests()
    {
        _store = new SessionHostStore(new SqliteDialect(Path.Combine(_data.FullName, "sessionhost.db"), SessionHostStore.SqliteMigrations));
        _store.MigrateAsync().GetAwaiter().GetResult();
    }

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static Uri Address(TcpListener listener) => new($"rdp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

    private DesktopRelay Relay(params Uri[] desktops) =>
        new(new RdpEndpointOptions { Desktops = [.. desktops] }, new LiveConnections(TimeProvider.System), _store, TimeProvider.System, NullLogger<DesktopRelay>.Instance);

    [Fact]
    public async Task New_connections_go_to_the_least_busy_desktop_and_a_signed_in_user_back_to_theirs()
    {
        var relay = Relay(Address(_a), Address(_b));
        var a = Address(_a).ToString().TrimEnd('/');
        var b = Address(_b).ToString().TrimEnd('/');

        await using var first = await relay.OpenAsync(null, CancellationToken.None);
        await using var second = await relay.OpenAsync(null, CancellationToken.None);
        Assert.Equal(a, first.Address);
        Assert.Equal(b, second.Address); // a holds one, b none

        // alice signs in on b; with a and b equally busy, her next connection still goes to b, anyone else's to a.
        using (var session = relay.Begin(new RdpLicensingVerdict(true, null, null, "ok", "s-1"), new RdpClientIdentity("pc", "h", "alice", false, null), b, new CancellationTokenSource()))
            session.SignedIn("alice", null);
        await using var alice = await relay.OpenAsync("alice", CancellationToken.None);
        Assert.Equal(b, alice.Address);
        await using var bob = await relay.OpenAsync("bob", CancellationToken.None);
        Assert.Equal(a, bob.Address);

        await first.DisposeAsync();
        Assert.Equal(1, relay.OpenOn(a)); // closing a connection frees its place
    }

    [Fact]
    public async Task A_desktop_that_is_down_is_skipped_and_none_up_is_a_clear_error()
    {
        var down = new Uri("rdp://127.0.0.1:1");
        var relay = Relay(down, Address(_a));
        await using var stream = await relay.OpenAsync(null, CancellationToken.None);
        Assert.Equal(Address(_a).ToString().TrimEnd('/'), stream.Address);

        var e = await Assert.ThrowsAsync<DesktopUnreachableException>(() => Relay(down).OpenAsync(null, CancellationToken.None));
        Assert.Contains("rdp://127.0.0.1:1: connection refused", e.Message);
    }

    [Fact]
    public async Task An_unreachable_desktop_is_a_session_host_event_once_a_minute_with_the_attempts_counted()
    {
        var down = new Uri("rdp://127.0.0.1:1");
        var relay = Relay(down, Address(_a));
        // Positive control: a desktop that answers leaves no event.
        await using (await Relay(Address(_a)).OpenAsync(null, CancellationToken.None)) { }
        Assert.Empty(await _store.EventsAsync(new SessionHostEventQuery(SessionHostEventId.DesktopUnreachable)));

        await using (await relay.OpenAsync("alice", CancellationToken.None)) { }
        var first = Assert.Single(await _store.EventsAsync(new SessionHostEventQuery(SessionHostEventId.DesktopUnreachable)));
        Assert.Equal(Core.Events.EventLevel.Warning, first.Level);
        Assert.StartsWith("The desktop rdp://127.0.0.1:1 could not be reached: connection refused", first.Message);
        Assert.Contains("sent to the next desktop", first.Message);
        Assert.Equal("alice", first.User);

        // Within the minute: no new event (a storm does not flood the log)…
        await using (await relay.OpenAsync(null, CancellationToken.None)) { }
        await Assert.ThrowsAsync<DesktopUnreachableException>(() => Relay(down).OpenAsync(null, CancellationToken.None));
        var events = await _store.EventsAsync(new SessionHostEventQuery(SessionHostEventId.DesktopUnreachable));
        // …per relay instance: the second relay (one per endpoint) records its own, saying the client was disconnected.
        Assert.Equal(2, events.Count);
        Assert.Contains("ERRINFO_CB_DESTINATION_NOT_FOUND", events[0].Message);
        Assert.Single(events, x => x.Message.Contains("sent to the next desktop"));

        // The diagnoser reports the relay's failures with the desktop's check.
        var check = DesktopProbe.WithRecentFailures(new DesktopCheck("rdp://127.0.0.1:1", DesktopProbe.Ready, "ready.", null), events, DateTimeOffset.UtcNow);
        Assert.Contains("could not reach it 2 times in the last 24 hours (event 5036)", check.Message);
        Assert.Equal("desktop-unreachable-recently", check.Problem!.Id);
        var other = DesktopProbe.WithRecentFailures(new DesktopCheck(Address(_a).ToString().TrimEnd('/'), DesktopProbe.Ready, "ready.", null), events, DateTimeOffset.UtcNow);
        Assert.Null(other.Problem); // another desktop's events are not its own
        var old = DesktopProbe.WithRecentFailures(new DesktopCheck("rdp://127.0.0.1:1", DesktopProbe.Ready, "ready.", null), events, DateTimeOffset.UtcNow.AddDays(2));
        Assert.Null(old.Problem); // older than a day: no longer news
    }

    [Theory]
    [InlineData("rdp://127.0.0.1:3389", "rdp://127.0.0.1:3389")]
    [InlineData("rdp://desktop-1.lab:33891", "rdp://desktop-1.lab:33891")]
    [InlineData("rdp://[::1]:3389", "rdp://[::1]:3389")]
    public void Desktop_addresses_are_rdp_host_port(string text, string expected)
    {
        Assert.True(DesktopAddress.TryParse(text, out var address, out var error), error);
        Assert.Equal(expected, address!.ToString().TrimEnd('/'));
    }

    [Theory]
    [InlineData("127.0.0.1:3389", "is not an RDP address")]
    [InlineData("http://127.0.0.1:3389", "is not an RDP address")]
    [InlineData("rdp://127.0.0.1", "names no port")]
    [InlineData("rdp://127.0.0.1:3389/x", "more than a host and a port")]
    [InlineData("rdp://127.0.0.1:99999", "is not an RDP address")]
    public void Bad_desktop_addresses_say_what_to_write(string text, string says)
    {
        Assert.False(DesktopAddress.TryParse(text, out _, out var error));
        Assert.Contains(says, error);
        Assert.Contains("rdp://", error);
    }

    public void Dispose()
    {
        _a.Stop();
        _b.Stop();
        RdLicensing.Storage.Sqlite.SqliteDialect.ClearPools();
        _data.Delete(recursive: true);
    }
}
