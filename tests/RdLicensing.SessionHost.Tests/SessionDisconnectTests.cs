using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Protocol;
using RdLicensing.SessionHost.Rdp;
using RdLicensing.SessionHost.Tests.Support;
using RdLicensing.Testing;

namespace RdLicensing.SessionHost.Tests;

/// <summary>
/// Live sessions an administrator can see (user, device, CAL, desktop, start, bytes each way) and end: `rdlic sessionhost
/// sessions` and `rdlic disconnect ID`, which closes the connection's both legs (its cancellation) and ends the session.
/// </summary>
public sealed class SessionDisconnectTests
{
    private static async Task<(string Id, LiveConnection Live, CancellationTokenSource End)> LiveSessionAsync(Scenario s, string device, string desktop = "rdp://127.0.0.1:3389")
    {
        var connection = await s.Host.ConnectAsync(device, "alice");
        var end = new CancellationTokenSource();
        var live = s.Host.Services.GetRequiredService<LiveConnections>().Register(connection.SessionId!, desktop, end);
        return (connection.SessionId!, live, end);
    }

    [Fact]
    public async Task Sessions_show_the_live_connection_and_disconnect_closes_it_and_ends_the_session()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        var (id, live, end) = await LiveSessionAsync(s, "pc-1");
        live.AuthenticatedUser = "alice";
        live.AddFromClient(2048);
        live.AddToClient(5 * 1024 * 1024);
        var (otherId, _, otherEnd) = await LiveSessionAsync(s, "pc-2");

        var listed = JsonDocument.Parse(await Rdlic.OkAsync("sessionhost", "sessions", "--host", s.Host.HostUrl, "--sessionhost-token", s.Host.AdminToken, "--json"))
            .RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        Assert.True(listed.GetProperty("live").GetBoolean());
        Assert.Equal("rdp://127.0.0.1:3389", listed.GetProperty("desktop").GetString());
        Assert.Equal(2048, listed.GetProperty("bytesFromClient").GetInt64());
        Assert.Equal(5 * 1024 * 1024, listed.GetProperty("bytesToClient").GetInt64());
        Assert.Equal("alice", listed.GetProperty("authenticatedUser").GetString());
        Assert.Equal("none (grace period)", listed.GetProperty("cal").GetString());
        var table = await Rdlic.OkAsync("sessionhost", "sessions", "--host", s.Host.HostUrl, "--sessionhost-token", s.Host.AdminToken);
        Assert.Contains("rdp://127.0.0.1:3389", table);
        Assert.Contains("5.0 MiB", table);

        var output = await Rdlic.OkAsync("disconnect", id, "--host", s.Host.HostUrl, "--sessionhost-token", s.Host.AdminToken);
        Assert.Contains($"Session {id} of pc-1 ended: its connection was closed", output);
        Assert.True(end.IsCancellationRequested); // the relay closes both legs on it
        Assert.Equal("disconnected by an administrator", live.CloseReason);
        var stored = (await s.Host.Store.SessionAsync(id))!;
        Assert.False(stored.IsOpen);
        Assert.Equal("disconnected by an administrator", stored.EndReason);
        Assert.Contains(await s.Host.EventsAsync(5035), e => e.Message.Contains(id));
        // Positive control: the other live session is untouched.
        Assert.False(otherEnd.IsCancellationRequested);
        Assert.True((await s.Host.Store.SessionAsync(otherId))!.IsOpen);
    }

    [Fact]
    public async Task Unknown_or_ended_sessions_give_one_line_errors()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        var unknown = await Rdlic.RunAsync("disconnect", "s-" + new string('0', 32), "--host", s.Host.HostUrl, "--sessionhost-token", s.Host.AdminToken);
        Assert.Contains("No session s-00000000000000000000000000000000 exists", Rdlic.OneErrorLine(unknown, 1));
        var malformed = await Rdlic.RunAsync("disconnect", "nonsense", "--host", s.Host.HostUrl, "--sessionhost-token", s.Host.AdminToken);
        Assert.Contains("is not a session id", Rdlic.OneErrorLine(malformed, 1));

        var connection = await s.Host.ConnectAsync("pc-1");
        await Rdlic.OkAsync("disconnect", connection.SessionId!, "--host", s.Host.HostUrl, "--sessionhost-token", s.Host.AdminToken);
        var again = await Rdlic.RunAsync("disconnect", connection.SessionId!, "--host", s.Host.HostUrl, "--sessionhost-token", s.Host.AdminToken);
        Assert.Contains("ended at", Rdlic.OneErrorLine(again, 1));
    }

    [Fact]
    public async Task Only_an_administrator_can_end_a_live_connection()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        var (id, _, end) = await LiveSessionAsync(s, "pc-1");

        // Without the administrator token (or with a wrong one): 401, nothing closed.
        Assert.Equal(HttpStatusCode.Unauthorized, (await s.Host.Http.PostAsync($"/api/sessions/{id}/disconnect", null)).StatusCode);
        using (var wrong = s.Host.NewClient("rdsh_" + new string('x', 43)))
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsync($"/api/sessions/{id}/disconnect", null)).StatusCode);
        // The anonymous end of a client's own session does not reach a live connection either.
        var anonymous = await s.Host.Http.DeleteAsync($"/api/sessions/{id}");
        Assert.Equal(HttpStatusCode.Conflict, anonymous.StatusCode);
        Assert.Contains("session-live", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await s.Host.Http.GetAsync("/api/sessions")).StatusCode);
        Assert.False(end.IsCancellationRequested);
        Assert.True((await s.Host.Store.SessionAsync(id))!.IsOpen);

        // Positive control: the administrator's call closes it.
        var response = await s.Host.Admin.PostAsync($"/api/sessions/{id}/disconnect", null);
        response.EnsureSuccessStatusCode();
        Assert.True((await response.Content.ReadFromJsonAsync<SessionDisconnectView>())!.ConnectionClosed);
        Assert.True(end.IsCancellationRequested);
    }
}
