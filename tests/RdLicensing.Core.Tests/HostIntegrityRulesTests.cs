using RdLicensing.Core.Cals;
using RdLicensing.Core.Identity;
using RdLicensing.Core.SessionHost;
using static RdLicensing.Core.Tests.TestData;

namespace RdLicensing.Core.Tests;

/// <summary>The pure rules behind issue 11's host items: client input, the grace anchor, revocation sync staleness, the revocation list.</summary>
public class HostIntegrityRulesTests
{
    [Theory]
    [InlineData("pc-01", "hw", "alice", null)]
    [InlineData("pc\u0007", "hw", "alice", "clientName")]
    [InlineData("pc", "hw\u0000", "alice", "hardwareId")]
    [InlineData("pc", "hw", "bob\u001b", "userName")]
    [InlineData("pc", "hw", null, null)]
    public void Client_input_with_a_control_character_is_named_by_field(string client, string hardwareId, string? user, string? field) =>
        Assert.Equal(field, ClientInput.Check(client, hardwareId, user)?.Field);

    [Fact]
    public void Client_input_lengths_are_the_license_servers()
    {
        Assert.Null(ClientInput.Check(new string('c', 256), new string('h', 128), new string('u', 256)));
        Assert.Equal("clientName", ClientInput.Check(new string('c', 257), "hw", null)?.Field);
        Assert.Equal("hardwareId", ClientInput.Check("pc", new string('h', 129), null)?.Field);
        Assert.Equal("userName", ClientInput.Check("pc", "hw", new string('u', 257))?.Field);
    }

    [Fact]
    public void The_grace_anchor_keeps_the_first_start_takes_an_earlier_one_and_refuses_a_later_one()
    {
        Assert.Equal(new GraceAnchorDecision(T0, true, false), GraceAnchorPolicy.Decide(null, T0, T0.AddDays(1)));
        Assert.Equal(new GraceAnchorDecision(T0, false, false), GraceAnchorPolicy.Decide(T0, T0, T0.AddDays(1)));
        Assert.Equal(new GraceAnchorDecision(T0, false, false), GraceAnchorPolicy.Decide(T0, null, T0.AddDays(1)));
        Assert.Equal(new GraceAnchorDecision(T0, false, true), GraceAnchorPolicy.Decide(T0, T0.AddDays(100), T0.AddDays(100)));
        Assert.Equal(new GraceAnchorDecision(T0.AddDays(-3), true, false), GraceAnchorPolicy.Decide(T0, T0.AddDays(-3), T0.AddDays(1)));
        Assert.Equal(new GraceAnchorDecision(null, false, false), GraceAnchorPolicy.Decide(null, null, T0));
        // A start in the future is taken as now: a host cannot anchor a period that has not begun.
        Assert.Equal(new GraceAnchorDecision(T0, true, false), GraceAnchorPolicy.Decide(null, T0.AddDays(5), T0));
        // A report with more precision than the record (ticks against the database's milliseconds) is the same start, not a move;
        // a second later is a move.
        Assert.Equal(new GraceAnchorDecision(T0, false, false), GraceAnchorPolicy.Decide(T0, T0.AddTicks(4321), T0.AddDays(1)));
        Assert.Equal(new GraceAnchorDecision(T0, false, true), GraceAnchorPolicy.Decide(T0, T0.AddSeconds(1), T0.AddDays(1)));
    }

    [Fact]
    public void A_host_is_stale_after_two_sync_intervals_or_one_behind_the_current_list()
    {
        Assert.Equal("synced", HostSyncRules.Evaluate("h", T0, T0, 3, 3, null, null, T0.AddHours(1.5)).RevocationState);
        Assert.Equal("stale", HostSyncRules.Evaluate("h", T0, T0, 3, 3, null, null, T0.AddHours(2.5)).RevocationState);
        Assert.Equal("synced", HostSyncRules.Evaluate("h", T0, T0, 3, 4, null, null, T0.AddMinutes(30)).RevocationState);
        Assert.Equal("stale", HostSyncRules.Evaluate("h", T0, T0, 3, 4, null, null, T0.AddMinutes(61)).RevocationState);
        var never = HostSyncRules.Evaluate("h", T0, null, null, 0, null, null, T0);
        Assert.Equal("never", never.RevocationState);
        Assert.Contains("never fetched", never.Warning);
        Assert.Null(HostSyncRules.Evaluate("h", null, null, null, 0, null, null, T0).Warning); // enrolled, never used
        Assert.Contains("moved grace period", HostSyncRules.Evaluate("h", T0, T0, 0, 0, T0, T0, T0).GraceWarning);
    }

    [Fact]
    public void The_revocation_list_verifies_with_its_servers_key_only_and_lists_the_revoked_CALs()
    {
        using var server = LicenseServerIdentity.Create();
        using var other = LicenseServerIdentity.Create();
        var list = RevocationList.Build(server, 7, [(42L, T0), (1000L, T0.AddDays(1))], T0, T0.AddHours(1));
        var verifier = CalTokenVerifier.FromSubjectPublicKeyInfo(server.Key.ExportSubjectPublicKeyInfo());

        var content = verifier.VerifyRevocationList(list);
        Assert.Equal(7, content.Number);
        Assert.Equal(server.ProductId, content.LicenseServerProductId);
        Assert.True(content.IsRevoked(42) && content.IsRevoked(1000) && !content.IsRevoked(43));
        Assert.Equal(T0, content.ThisUpdate);
        Assert.Equal(T0.AddHours(1), content.NextUpdate);
        Assert.Equal(server.ProductId, RevocationList.ClaimedIssuer(list));

        var otherVerifier = CalTokenVerifier.FromSubjectPublicKeyInfo(other.Key.ExportSubjectPublicKeyInfo());
        Assert.Throws<CalTokenException>(() => otherVerifier.VerifyRevocationList(list));
        var tampered = (byte[])list.Clone();
        tampered[tampered.Length / 2] ^= 0x01;
        Assert.Throws<CalTokenException>(() => verifier.VerifyRevocationList(tampered));
        Assert.Throws<CalTokenException>(() => verifier.VerifyRevocationList([0x30, 0x00]));
        Assert.Empty(verifier.VerifyRevocationList(RevocationList.Build(server, 0, [], T0, T0.AddHours(1))).RevokedCalIds);
    }
}
