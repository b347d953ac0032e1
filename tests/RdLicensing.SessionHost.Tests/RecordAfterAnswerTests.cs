using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Rdp.Connection;
using RdLicensing.SessionHost.Connections;
using RdLicensing.SessionHost.Rdp;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>
/// Issue 13: the RDP endpoint answers a connection the host licensed alone (a valid permanent CAL, no event, no grace period
/// change) before its session row is committed, and a sign-in that reports nothing before its flag is. These tests hold the
/// rules around that: the records still land, in order and durably, before anything reads them; a revoked CAL is still
/// absent; the grace period's start, a refusal and a temporary CAL's validation are committed before the answer.
/// </summary>
public sealed class RecordAfterAnswerTests
{
    private static SessionHostLicensing Licensing(TestSessionHost host) => new(
        host.Services.GetRequiredService<ConnectionDecider>(), host.Services.GetRequiredService<SessionSignIns>(),
        host.Services.GetRequiredService<HostSessions>(), host.Services.GetRequiredService<LiveConnections>(), host.Services.GetRequiredService<SessionWrites>());

    private static RdpClientIdentity Client(string device) => new(device, Device.HardwareIdOf(device), "alice", false, null);

    /// <summary>A device holding a permanent CAL: first connection, sign-in, then the upgrade (through the HTTP API).</summary>
    /// <summary>A license server with 5 Per Device CALs (valid 60 days) and a session host in Per Device mode using it.</summary>
    private static async Task<Scenario> PerDeviceScenarioAsync()
    {
        var s = await Scenario.StartAsync(permanentDays: 60);
        try
        {
            await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
            await s.Host.UseAsync("per-device", s.Server);
            return s;
        }
        catch
        {
            await s.DisposeAsync();
            throw;
        }
    }

    private static async Task<byte[]> PermanentCalAsync(Scenario s, string device)
    {
        var d = new Device(device);
        await d.ConnectAsync(s.Host);
        Assert.False((await d.ConnectAsync(s.Host)).Cal!.Temporary);
        return Convert.FromBase64String(d.License!);
    }

    [Fact]
    public async Task A_valid_CAL_answered_before_its_record_still_gets_its_session_signed_in_and_ended_in_order_even_when_the_client_goes_away()
    {
        await using var s = await PerDeviceScenarioAsync();
        var cal = await PermanentCalAsync(s, "pc-31");
        var licensing = Licensing(s.Host);

        using var client = new CancellationTokenSource();
        var verdict = await licensing.DecideAsync(Client("pc-31"), cal, client.Token);
        Assert.True(verdict.Allowed, verdict.Message);
        Assert.Null(verdict.License); // the host accepted the CAL alone
        client.Cancel(); // the client goes away at once: its record is written all the same
        Assert.True((await licensing.SignedInAsync(verdict, RdpSignIn.WithoutDesktop, CancellationToken.None)).Continue);
        await licensing.EndedAsync(verdict, CancellationToken.None);

        var session = await s.Host.Store.SessionAsync(verdict.SessionId!);
        Assert.NotNull(session);
        Assert.Equal("licensed", session.Outcome);
        Assert.True(session.SignedIn);
        Assert.Equal("disconnected", session.EndReason);
        Assert.Equal(0, s.Host.Services.GetRequiredService<SessionWrites>().Pending);
    }

    [Fact]
    public async Task An_administrator_ends_a_session_whose_record_is_still_on_its_way_and_an_unknown_id_is_still_not_found()
    {
        await using var s = await PerDeviceScenarioAsync();
        var cal = await PermanentCalAsync(s, "pc-32");
        var verdict = await Licensing(s.Host).DecideAsync(Client("pc-32"), cal, CancellationToken.None);
        Assert.True(verdict.Allowed, verdict.Message);

        // Queued after the connection's record, the administrator's disconnect finds the session.
        var ended = await s.Host.Services.GetRequiredService<HostSessions>().DisconnectAsync(verdict.SessionId!, connectionClosed: false, CancellationToken.None);
        Assert.Equal("disconnected by an administrator", ended.EndReason);
        // Attacker's try: an id the host never gave out is not found, pending writes or not.
        await Assert.ThrowsAsync<SessionNotFoundException>(() =>
            s.Host.Services.GetRequiredService<HostSessions>().DisconnectAsync(SessionIds.New(), connectionClosed: false, CancellationToken.None));
    }

    [Fact]
    public async Task A_revoked_CAL_is_still_absent_on_the_RDP_path_and_recorded_before_the_answer_while_an_unrevoked_one_is_accepted_alone()
    {
        await using var s = await PerDeviceScenarioAsync();
        var revoked = await PermanentCalAsync(s, "pc-33");
        var kept = await PermanentCalAsync(s, "pc-34");
        var page = (await s.Server.Admin.GetFromJsonAsync<CalPage>($"/api/admin/cals?device={Device.HardwareIdOf("pc-33")}&status=active"))!;
        Assert.Contains("Revoked", await Rdlic.OkAsync(s.Server, "cals", "revoke", Assert.Single(page.Items).Id.ToString()));
        var lists = s.Host.Services.GetRequiredService<RdLicensing.SessionHost.LicenseServers.RevocationLists>();
        Assert.True((await lists.SyncAsync(TestSessionHost.Url(s.Server), CancellationToken.None)).Synced);
        var licensing = Licensing(s.Host);

        // Attacker's try: presenting the revoked CAL again over the RDP path. It counts as absent: the server decides as for a
        // device without a CAL (a temporary CAL at most), and the event saying so is committed before the client is answered.
        var attempt = await licensing.DecideAsync(Client("pc-33"), revoked, CancellationToken.None);
        Assert.NotNull(attempt.License); // not accepted as it was: a new CAL from the license server
        Assert.True(attempt.TemporaryLicense, "a revoked CAL's device gets a temporary CAL at most");
        Assert.Single(await s.Host.EventsAsync(5074));

        // Positive control: the unrevoked CAL is accepted by the host alone.
        var control = await licensing.DecideAsync(Client("pc-34"), kept, CancellationToken.None);
        Assert.True(control.Allowed, control.Message);
        Assert.Null(control.License);
        Assert.False(control.TemporaryLicense);
        await licensing.EndedAsync(control, CancellationToken.None);
        await licensing.EndedAsync(attempt, CancellationToken.None);
    }

    /// <summary>Makes the host's store refuse (or accept again) new session rows, as a failing disk would.</summary>
    private static async Task RefuseSessionRowsAsync(TestSessionHost host, bool refuse)
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={host.Options.DatabasePath};Pooling=False");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = refuse
            ? "CREATE TRIGGER test_refuse_sessions BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'the disk refuses the row'); END;"
            : "DROP TRIGGER test_refuse_sessions;";
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_new_hosts_grace_period_start_is_committed_before_the_answer_and_nothing_goes_on_on_a_session_that_was_not_recorded()
    {
        await using var s = await PerDeviceScenarioAsync();
        var cal = await PermanentCalAsync(s, "pc-36");
        await using var other = await TestSessionHost.StartAsync(s.Clock, "rdsh-02");
        await other.UseAsync("per-device", s.Server);
        var graceStart = RdLicensing.SessionHost.Configuration.SettingNames.GraceStartedAt;

        // A new host's very first connection starts its grace period, even one the host licenses alone (a valid CAL, no event),
        // so it is not answered before that is on disk: when the store cannot record it, the client gets no answer...
        await RefuseSessionRowsAsync(other, refuse: true);
        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => Licensing(other).DecideAsync(Client("pc-36"), cal, CancellationToken.None));
        Assert.Null(await other.Store.SettingAsync(graceStart));
        // ...and once it can, the start is there as soon as the client is answered.
        await RefuseSessionRowsAsync(other, refuse: false);
        var first = await Licensing(other).DecideAsync(Client("pc-36"), cal, CancellationToken.None);
        Assert.True(first.Allowed, first.Message);
        Assert.NotNull(await other.Store.SettingAsync(graceStart));

        // Once the period has started, the same connection is answered before its row (positive control of the deferral): if the
        // row then cannot be written, the sign-in does not go on with a session that was never recorded, and the end is quiet.
        await RefuseSessionRowsAsync(other, refuse: true);
        var unrecorded = await Licensing(other).DecideAsync(Client("pc-36"), cal, CancellationToken.None);
        Assert.True(unrecorded.Allowed, unrecorded.Message);
        // (the store's own error while the failed write is still tracked, else: no such session)
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Licensing(other).SignedInAsync(unrecorded, RdpSignIn.WithoutDesktop, CancellationToken.None));
        Assert.True(refused is Microsoft.Data.Sqlite.SqliteException or SessionNotFoundException, refused.ToString());
        await Licensing(other).EndedAsync(unrecorded, CancellationToken.None);
        Assert.Null(await other.Store.SessionAsync(unrecorded.SessionId!));
    }

    [Fact]
    public async Task A_temporary_CALs_validation_is_committed_before_the_sign_in_is_answered_so_the_next_connection_upgrades()
    {
        await using var s = await PerDeviceScenarioAsync();
        var licensing = Licensing(s.Host);
        var first = await licensing.DecideAsync(Client("pc-35"), null, CancellationToken.None);
        Assert.True(first.TemporaryLicense, first.Message);

        // The sign-in reports to the license server: validated there and recorded here before the answer...
        Assert.True((await licensing.SignedInAsync(first, RdpSignIn.WithoutDesktop, CancellationToken.None)).Continue);
        Assert.True((await s.Host.Store.SessionAsync(first.SessionId!))!.CalValidated);
        await licensing.EndedAsync(first, CancellationToken.None);
        // ...so the device's next connection is upgraded to a permanent CAL.
        var second = await licensing.DecideAsync(Client("pc-35"), first.License, CancellationToken.None);
        Assert.NotNull(second.License);
        Assert.False(second.TemporaryLicense, second.Message);
        await licensing.EndedAsync(second, CancellationToken.None);
    }
}
