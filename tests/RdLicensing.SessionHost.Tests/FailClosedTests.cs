using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>
/// Issue 11 item 11: nothing about a client's request may let it in by the grace period. Bad client input is refused by
/// the host itself; a license server's 4xx is an answer (the connection is refused), never "no license server answered".
/// </summary>
public sealed class FailClosedTests : IAsyncLifetime
{
    private readonly string _clientData = Rdlic.TemporaryDirectory("rdl-client-");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_clientData)) Directory.Delete(_clientData, recursive: true);
        return Task.CompletedTask;
    }

    private Task<CliResult> Connect(Scenario s, string device, string user = "alice") =>
        Rdlic.RunAsync(["connect", "--device", device, "--host", s.Host.HostUrl, "--client-data", _clientData, "--user", user]);

    [Fact]
    public async Task Client_input_with_a_control_character_is_refused_during_the_grace_period_not_let_in()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);

        // Attack through rdlic connect: the license server answers such a request 400, which used to count as
        // "no license server answered" — and so the client was let in by the grace period.
        var attack = await Connect(s, "pc-80", user: "bob\u0007");
        var line = Rdlic.OneErrorLine(attack, 1);
        Assert.Contains("0x102 INVALID_CLIENT_INPUT", line);
        Assert.Contains("userName contains a control character", line);
        var refusedEvent = Assert.Single(await s.Host.EventsAsync(5070));
        Assert.Contains("control character", refusedEvent.Message);

        // The same with a client name, and with an over-long hardware id, through the HTTP API (as the RDP endpoint's decision).
        var badName = await s.Host.ConnectAsync("pc-\u001bevil");
        Assert.Equal("refused", badName.Outcome);
        Assert.Equal("INVALID_CLIENT_INPUT", badName.Refusal!.Reason);
        Assert.DoesNotContain('\u001b', badName.Message);
        var longId = await s.Host.Http.PostAsJsonAsync("/api/connections", new ConnectBody(new string('a', 129), "pc-82", "alice", null, false));
        var view = (await longId.Content.ReadFromJsonAsync<ConnectionView>())!;
        Assert.Equal("refused", view.Outcome);
        Assert.Equal("INVALID_CLIENT_INPUT", view.Refusal!.Reason);
        Assert.Empty(await s.Host.EventsAsync(5011)); // nobody was let in by the grace period

        // Positive control: the same device with a proper user name gets its CAL.
        var fine = await Connect(s, "pc-80");
        Assert.True(fine.ExitCode == 0, fine.ToString());
        Assert.Contains("licensed.", fine.Stdout);
        Assert.Empty(await s.Host.EventsAsync(5011));
    }

    [Theory]
    [InlineData(400, "refused")]
    [InlineData(413, "refused")]
    [InlineData(429, "refused")]
    [InlineData(503, "grace")] // positive control: a server error is a server that did not answer
    public async Task A_license_server_client_error_is_an_answer_and_never_the_grace_period(int status, string expected)
    {
        await using var server = await StubLicenseServer.StartAsync(calStatus: status);
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.Store.WriteAsync(w => w.SetTokenAsync(server.Url, "rdlh_stub", s.Clock.GetUtcNow()));
        await s.Host.ConfigureAsync(mode: "per-device", servers: [server.Url]);

        var connection = await s.Host.ConnectAsync("pc-83");

        Assert.Equal(expected, connection.Outcome);
        if (expected == "refused")
        {
            Assert.Equal("LICENSE_SERVER_REJECTED_REQUEST", connection.Refusal!.Reason);
            Assert.Equal("0x102", connection.Refusal.Code);
            Assert.Contains($"{status}", connection.Message);
            Assert.Single(await s.Host.EventsAsync(5071));
        }
        else
        {
            Assert.Contains("503", connection.Message);
        }
    }
}
