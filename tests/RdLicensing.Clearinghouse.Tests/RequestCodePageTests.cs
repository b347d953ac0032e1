using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Time;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.RequestCodeSupport;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>
/// The web pages (and so the operator console, which shares their services) act only on a request code the license server
/// signed: each attack as someone who knows a Product ID, holds another server's code or replays one would try it, with the
/// legitimate request beside it.
/// </summary>
public sealed class RequestCodePageTests
{
    private static async Task<RetailCodeView> RetailCodeAsync(TestClearinghouse ch, string code) =>
        (await ch.Admin.GetFromJsonAsync<RetailCodeView[]>("/api/admin/codes"))!.Single(c => c.Code == code);

    private static async Task<EntitlementView> EntitlementAsync(TestClearinghouse ch, string number) =>
        (await ch.Admin.GetFromJsonAsync<AgreementView[]>("/api/admin/agreements"))!.Single(a => a.Number == number).Entitlements.Single();

    [Fact]
    public async Task A_request_code_is_good_once_a_replay_is_refused_and_changes_nothing()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var server = new CodeServer();
        var code = server.Code(ServerRequestPurpose.Activate, includeKey: true);

        var (first, _) = await ch.Public.PostFormAsync("/activate", ActivationFields(code));
        var (replay, html) = await ch.Public.PostFormAsync("/activate", ActivationFields(code));

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.Conflict, replay);
        Assert.Contains("used before; each is good once", ErrorIn(html, "form"));
        var record = Assert.Single(await ch.ActivationsAsync());
        Assert.Equal("active", record.Status);
        // A new code from the same server works (positive control).
        var (again, _) = await ch.Public.PostFormAsync("/activate", ActivationFields(server.Code(ServerRequestPurpose.Activate)));
        Assert.Equal(HttpStatusCode.OK, again);
    }

    [Fact]
    public async Task A_request_code_signed_by_another_key_for_a_victims_product_id_is_refused()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var victim = new CodeServer();
        var victimId = await ch.WebActivateAsync(victim);
        using var attacker = new CodeServer();
        // The attacker signs codes claiming the victim's Product ID, with and without carrying its own key.
        string Forged(ServerRequestPurpose purpose, bool includeKey) =>
            ServerRequestCode.Create(attacker.Identity.Key, victim.ProductId, purpose, ProductVersion.WindowsServer2025, DateTimeOffset.UtcNow, includeKey);

        var (reactivate, html1) = await ch.Public.PostFormAsync("/activate", ActivationFields(Forged(ServerRequestPurpose.Reactivate, false), "redeployed"));
        var (withKey, html2) = await ch.Public.PostFormAsync("/activate", ActivationFields(Forged(ServerRequestPurpose.Activate, true)));
        var (deactivate, html3) = await ch.Public.PostFormAsync("/deactivate", new() { ["requestCode"] = Forged(ServerRequestPurpose.Deactivate, false), ["firstName"] = "M", ["lastName"] = "X" });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (reactivate, withKey, deactivate));
        foreach (var html in new[] { html1, html2, html3 })
            Assert.Contains("is not signed by that license server's key", ErrorIn(html, "requestCode"));
        var record = Assert.Single(await ch.ActivationsAsync());
        Assert.Equal((victimId, "active"), (record.LicenseServerId, record.Status));
    }

    [Fact]
    public async Task A_code_made_for_one_purpose_does_nothing_else()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var server = new CodeServer();
        await ch.WebActivateAsync(server);
        var licenseCode = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var installCode = server.Code(ServerRequestPurpose.Install);

        var (deactivate, html) = await ch.Public.PostFormAsync("/deactivate", new() { ["requestCode"] = installCode, ["firstName"] = "A", ["lastName"] = "B" });
        var (activate, _) = await ch.Public.PostFormAsync("/activate", ActivationFields(installCode));

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (deactivate, activate));
        Assert.Contains("made to install licenses, not to deactivate", ErrorIn(html, "requestCode"));
        Assert.Equal("active", Assert.Single(await ch.ActivationsAsync()).Status);
        // The same code still installs: a refusal used nothing (positive control).
        var (install, _) = await ch.Public.PostFormAsync("/install", RetailFields(installCode, licenseCode));
        Assert.Equal(HttpStatusCode.OK, install);
    }

    [Fact]
    public async Task A_request_code_older_than_a_week_is_refused()
    {
        var clock = new SimulatedTimeProvider(TimeProvider.System);
        await using var ch = await TestClearinghouse.StartAsync(clock);
        using var server = new CodeServer(clock: clock);
        var old = server.Code(ServerRequestPurpose.Activate, includeKey: true);
        clock.Advance(TimeSpan.FromDays(9));

        var (status, html) = await ch.Public.PostFormAsync("/activate", ActivationFields(old));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("a request code is good for 7 days", ErrorIn(html, "requestCode"));
        Assert.Empty(await ch.ActivationsAsync());
        // A code made today works (positive control).
        Assert.Equal(HttpStatusCode.OK, (await ch.Public.PostFormAsync("/activate", ActivationFields(server.Code(ServerRequestPurpose.Activate, includeKey: true)))).Status);
    }

    [Fact]
    public async Task The_install_page_takes_the_version_the_server_signed_a_2016_server_leaves_a_2022_retail_code_unused()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var old = new CodeServer(ProductVersion.WindowsServer2016);
        await ch.WebActivateAsync(old);
        var licenseCode = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
        var fields = RetailFields(old.Code(ServerRequestPurpose.Install), licenseCode);
        fields["serverVersion"] = "2025"; // what the old page trusted: ignored now

        var (refused, html) = await ch.Public.PostFormAsync("/install", fields);
        var (retry, retryHtml) = await ch.Public.PostFormAsync("/install", RetailFields(old.Code(ServerRequestPurpose.Install), licenseCode));

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (refused, retry));
        Assert.Contains("Windows Server 2022 CALs cannot be hosted on a Windows Server 2016 license server", ErrorIn(html, "licenseCode"));
        Assert.DoesNotContain("already", retryHtml);
        Assert.Null((await RetailCodeAsync(ch, licenseCode)).UsedAt);
        Assert.Empty((await ch.Admin.GetFromJsonAsync<InstallRecordView[]>("/api/admin/installs"))!);

        // Positive control: a 2022 server installs the same code.
        using var current = new CodeServer(ProductVersion.WindowsServer2022);
        await ch.WebActivateAsync(current);
        var (granted, grantedHtml) = await ch.Public.PostFormAsync("/install", RetailFields(current.Code(ServerRequestPurpose.Install), licenseCode));
        Assert.Equal(HttpStatusCode.OK, granted);
        Assert.Equal(10, KeyPackIdCode.Verify(WebPageTests.CodeIn(grantedHtml, "key-pack-id"), ch.Certificate(), current.ProductId).Quantity);
        Assert.Equal(current.ProductId, (await RetailCodeAsync(ch, licenseCode)).UsedByProductId);
    }

    [Fact]
    public async Task A_2016_servers_agreement_draw_of_2022_cals_is_refused_and_the_remaining_count_is_unchanged()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var old = new CodeServer(ProductVersion.WindowsServer2016);
        await ch.WebActivateAsync(old);
        var agreement = await ch.AddAgreementAsync(LicenseProgram.Select, ProductVersion.WindowsServer2022, CalType.PerUser, 10);

        var (refused, html) = await ch.Public.PostFormAsync("/install", AgreementFields(old.Code(ServerRequestPurpose.Install), "select", agreement, "2022", "per-user", 4));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        Assert.Contains("cannot be hosted on a Windows Server 2016 license server", ErrorIn(html, "version"));
        Assert.Equal(10, (await EntitlementAsync(ch, agreement)).Remaining);

        using var current = new CodeServer(ProductVersion.WindowsServer2022);
        await ch.WebActivateAsync(current);
        var (granted, _) = await ch.Public.PostFormAsync("/install", AgreementFields(current.Code(ServerRequestPurpose.Install), "select", agreement, "2022", "per-user", 4));
        Assert.Equal(HttpStatusCode.OK, granted);
        Assert.Equal(6, (await EntitlementAsync(ch, agreement)).Remaining);
    }

    [Fact]
    public async Task A_key_pack_id_granted_for_server_x_does_not_verify_on_server_y()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var x = new CodeServer();
        using var y = new CodeServer();
        await ch.WebActivateAsync(x);
        await ch.WebActivateAsync(y);
        var licenseCode = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 3);

        var (_, html) = await ch.Public.PostFormAsync("/install", RetailFields(x.Code(ServerRequestPurpose.Install), licenseCode));
        var keyPackId = WebPageTests.CodeIn(html, "key-pack-id");

        Assert.Equal(3, KeyPackIdCode.Verify(keyPackId, ch.Certificate(), x.ProductId).Quantity);
        Assert.Throws<SignedDocumentException>(() => KeyPackIdCode.Verify(keyPackId, ch.Certificate(), y.ProductId));
    }

    [Fact]
    public async Task A_retry_of_a_used_code_by_the_same_server_no_longer_claims_the_server_has_the_pack()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var server = new CodeServer();
        var licenseCode = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 3);
        await ch.WebActivateAsync(server);
        var (granted, _) = await ch.Public.PostFormAsync("/install", RetailFields(server.Code(ServerRequestPurpose.Install), licenseCode));
        Assert.Equal(HttpStatusCode.OK, granted);

        var (again, html) = await ch.Public.PostFormAsync("/install", RetailFields(server.Code(ServerRequestPurpose.Install), licenseCode));

        Assert.Equal(HttpStatusCode.Conflict, again);
        var error = ErrorIn(html, "form")!;
        Assert.Contains("granted its key pack to this license server", error);
        Assert.DoesNotContain("already has its key pack", error);
    }

    [Fact]
    public async Task Web_deactivation_answers_a_confirmation_code_for_that_server_and_that_request_only()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var server = new CodeServer();
        using var other = new CodeServer();
        await ch.WebActivateAsync(server);
        var request = server.Code(ServerRequestPurpose.Deactivate);

        var (status, html) = await ch.Public.PostFormAsync("/deactivate", new() { ["requestCode"] = request, ["firstName"] = "Ada", ["lastName"] = "Lovelace" });

        Assert.Equal(HttpStatusCode.OK, status);
        var confirmation = WebPageTests.CodeIn(html, "confirmation-code")!;
        Assert.Contains("rdlic server deactivate --confirmation-code " + confirmation, html);
        var verified = DeactivationConfirmationCode.Verify(confirmation, ch.Certificate(), server.ProductId);
        Assert.Equal(ServerRequestCode.Read(request).Nonce, verified.RequestNonce);
        Assert.Throws<SignedDocumentException>(() => DeactivationConfirmationCode.Verify(confirmation, ch.Certificate(), other.ProductId));
        Assert.Equal("deactivated", Assert.Single(await ch.ActivationsAsync()).Status);
        // Installing is refused once deactivated; reactivation by request code works again (positive control).
        var licenseCode = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 3);
        Assert.Equal(HttpStatusCode.Conflict, (await ch.Public.PostFormAsync("/install", RetailFields(server.Code(ServerRequestPurpose.Install), licenseCode))).Status);
        Assert.Equal(HttpStatusCode.OK, (await ch.Public.PostFormAsync("/activate", ActivationFields(server.Code(ServerRequestPurpose.Reactivate), "redeployed"))).Status);
    }

    [Fact]
    public async Task A_never_activated_server_cannot_be_deactivated_and_an_unknown_server_needs_its_first_activation_code()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var server = new CodeServer();

        var (install, html) = await ch.Public.PostFormAsync("/install", RetailFields(server.Code(ServerRequestPurpose.Install), LicenseIdentifiers.NewRetailCode()));
        var (deactivate, _) = await ch.Public.PostFormAsync("/deactivate",
            new() { ["requestCode"] = server.Code(ServerRequestPurpose.Deactivate, includeKey: true), ["firstName"] = "A", ["lastName"] = "B" });

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (install, deactivate));
        Assert.Contains("does not know license server", ErrorIn(html, "form"));
        Assert.Empty(await ch.ActivationsAsync());
    }

    [Theory]
    [InlineData("key-compromised")]
    [InlineData("certificate-corrupt")]
    public async Task A_reactivation_that_replaces_the_key_is_refused_on_the_page_with_the_way_to_do_it(string reason)
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var server = new CodeServer();
        var licenseServerId = await ch.WebActivateAsync(server);
        var code = server.Code(ServerRequestPurpose.Reactivate);

        var (status, html) = await ch.Public.PostFormAsync("/activate", ActivationFields(code, reason));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var error = ErrorIn(html, "reason")!;
        Assert.Contains("--method automatic", error);
        Assert.Contains("vendor's operator", error);
        Assert.Equal(licenseServerId, Assert.Single(await ch.ActivationsAsync()).LicenseServerId);
        // The same code with a reason that keeps the key reactivates (positive control).
        var (ok, okHtml) = await ch.Public.PostFormAsync("/activate", ActivationFields(code, "redeployed"));
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.NotEqual(licenseServerId, WebPageTests.CodeIn(okHtml, "license-server-id"));
    }
}
