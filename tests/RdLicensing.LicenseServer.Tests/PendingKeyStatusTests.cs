using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// The new identity key prepared for the vendor's key-compromise procedure (setting <c>identity.pendingKey</c>) unreadable — the
/// database edited or damaged by hand: status still answers, with a notice saying what is wrong and that
/// <c>rdlic server new-key --discard</c> clears it, instead of a 500; and the discard does clear it.
/// </summary>
public sealed class PendingKeyStatusTests
{
    private static Task<StatusView> StatusAsync(TestLicenseServer server) => server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status")!;

    [Theory]
    [InlineData("{ not json")]
    // Well-formed JSON made for the current key ({replaces}), but its keys are not base64.
    [InlineData("""{"privateKey":"***","publicKey":"***","nonce":"n","signature":"***","replaces":"{replaces}","createdAt":"2026-01-01T00:00:00Z"}""")]
    public async Task An_unreadable_pending_key_is_a_status_notice_naming_the_discard_and_the_discard_clears_it(string corrupt)
    {
        await using var server = await TestLicenseServer.StartAsync();

        // Positive control: a key prepared the ordinary way is the notice that it waits for the vendor's operator.
        var prepared = await server.Admin.PostAsJsonAsync("/api/admin/identity/new-key", new NewKeyRequestBody());
        Assert.Equal(HttpStatusCode.OK, prepared.StatusCode);
        var status = await StatusAsync(server);
        Assert.Contains(status.Notices!, n => n.Contains("waits for the vendor's operator", StringComparison.Ordinal));
        Assert.DoesNotContain(status.Notices!, n => n.Contains("cannot be read", StringComparison.Ordinal));

        var replaces = Core.Proof.ServerRequestProof.Fingerprint(server.Identity.PublicKey);
        await server.Store.WriteAsync(s => s.SetSettingAsync(SettingNames.PendingIdentityKey, corrupt.Replace("{replaces}", replaces)));

        var answer = await server.Admin.GetAsync("/api/admin/status");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        status = (await answer.Content.ReadFromJsonAsync<StatusView>())!;
        var notice = Assert.Single(status.Notices!, n => n.Contains("identity key", StringComparison.Ordinal));
        Assert.Contains("cannot be read", notice);
        Assert.Contains("rdlic server new-key --discard", notice);
        Assert.Contains(notice, status.Warnings); // the attention list shows it too
        // The key's own endpoint says the same, as a problem rather than a 500.
        await ProblemAssert.IsAsync(await server.Admin.GetAsync("/api/admin/identity/new-key"), HttpStatusCode.Conflict, "pending-key-unreadable");

        Assert.Equal(HttpStatusCode.NoContent, (await server.Admin.DeleteAsync("/api/admin/identity/new-key")).StatusCode);
        status = await StatusAsync(server);
        Assert.DoesNotContain(status.Notices ?? [], n => n.Contains("identity key", StringComparison.Ordinal));
        Assert.Null(await server.Store.SettingAsync(SettingNames.PendingIdentityKey));
    }
}
