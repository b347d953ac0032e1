using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

public sealed class InstallTests
{
    private static void AssertInstallable(TestClearinghouse ch, GrantedKeyPack granted, string productId, LicenseProgram program,
        ProductVersion version, CalType type, int quantity)
    {
        var certificate = ch.Certificate();
        var fromFile = KeyPackVerifier.Verify(granted.KeyPackFile, certificate, productId, ProductVersion.WindowsServer2025, DateTimeOffset.UtcNow);
        Assert.Equal((granted.KeyPackId, program, version, type, quantity), (fromFile.KeyPackId, fromFile.Program, fromFile.Version, fromFile.Type, fromFile.Quantity));
        var fromCode = KeyPackIdCode.Verify(granted.KeyPackIdCode, certificate, productId);
        Assert.Equal((fromFile.KeyPackId, fromFile.Program, fromFile.Version, fromFile.Type, fromFile.Quantity, fromFile.ExpiresAt),
            (fromCode.KeyPackId, fromCode.Program, fromCode.Version, fromCode.Type, fromCode.Quantity, fromCode.ExpiresAt));
        Assert.Equal(program.ToShortName(), granted.Program);
        Assert.Equal(version.ToShortName(), granted.Version);
        Assert.Equal(type.ToShortName(), granted.CalType);
    }

    [Fact]
    public async Task A_retail_code_installs_once_as_a_verifiable_key_pack()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var code = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 50);

        // Typed as people do: lower case, no hyphens.
        var granted = await (await ch.InstallAsync(new LicenseInstallRequestBody(productId, licenseServerId, "2025", "retail",
            LicenseCode: code.Replace("-", "").ToLowerInvariant()))).GrantedAsync();

        AssertInstallable(ch, granted, productId, LicenseProgram.Retail, ProductVersion.WindowsServer2022, CalType.PerDevice, 50);
        Assert.Null(granted.ExpiresAt);
        var fields = Core.Signing.SignedDocument.Parse(granted.KeyPackFile, KeyPackGrant.Schema).Fields;
        Assert.Equal("Windows Server 2022 RDS Per Device CAL (License Pack (Retail Purchase))", fields["description"]);
        Assert.Equal(code, fields["programReference"]);
        var codes = (await ch.Admin.GetFromJsonAsync<List<RetailCodeView>>("/api/admin/codes"))!;
        Assert.Equal(productId, codes.Single().UsedByProductId);
        var installs = (await ch.Admin.GetFromJsonAsync<List<InstallRecordView>>("/api/admin/installs"))!;
        Assert.Equal((granted.KeyPackId, productId, "active"), (installs.Single().KeyPackId, installs.Single().ProductId, installs.Single().Status));
    }

    [Fact]
    public async Task An_open_license_installs_once()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var (number, authorization) = await ch.AddOpenLicenseAsync(ProductVersion.WindowsServer2019, CalType.PerUser, 25);
        var body = new LicenseInstallRequestBody(productId, licenseServerId, "2022", "open", LicenseNumber: number, AuthorizationNumber: authorization.ToLowerInvariant());

        var granted = await (await ch.InstallAsync(body)).GrantedAsync();
        AssertInstallable(ch, granted, productId, LicenseProgram.Open, ProductVersion.WindowsServer2019, CalType.PerUser, 25);

        var again = await (await ch.InstallAsync(body)).ProblemAsync(409);
        Assert.Equal(Slug("open-license-already-used"), again.Type);
        var wrongAuthorization = await (await ch.InstallAsync(body with { AuthorizationNumber = "ABCDEFGHJK12345" })).ProblemAsync(422);
        Assert.Equal(Slug("not-recognized"), wrongAuthorization.Type);
    }

    [Theory]
    [InlineData(LicenseProgram.Select)]
    [InlineData(LicenseProgram.EnterpriseAgreement)]
    [InlineData(LicenseProgram.Campus)]
    [InlineData(LicenseProgram.School)]
    [InlineData(LicenseProgram.Spla)]
    [InlineData(LicenseProgram.Other)]
    public async Task Each_agreement_program_draws_from_its_entitlement(LicenseProgram program)
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var number = await ch.AddAgreementAsync(program, ProductVersion.WindowsServer2022, CalType.PerUser, 100);

        var granted = await (await ch.InstallAsync(new LicenseInstallRequestBody(productId, licenseServerId, "2025", program.ToShortName(),
            AgreementNumber: number, Version: "2022", CalType: "per-user", Quantity: 40))).GrantedAsync();

        AssertInstallable(ch, granted, productId, program, ProductVersion.WindowsServer2022, CalType.PerUser, 40);
        Assert.Equal(program == LicenseProgram.Spla, granted.ExpiresAt is not null);
        var agreement = (await ch.Admin.GetFromJsonAsync<List<AgreementView>>("/api/admin/agreements"))!.Single();
        Assert.Equal((40, 60), (agreement.Entitlements.Single().Drawn, agreement.Entitlements.Single().Remaining));
    }

    [Fact]
    public async Task A_used_code_is_refused_naming_when_it_was_used()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var (otherProductId, otherCode) = await ch.NewActivatedServerAsync();
        var code = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        await (await ch.InstallAsync(new LicenseInstallRequestBody(productId, licenseServerId, "2025", "retail", LicenseCode: code))).GrantedAsync();

        var problem = await (await ch.InstallAsync(new LicenseInstallRequestBody(otherProductId, otherCode, "2025", "retail", LicenseCode: code))).ProblemAsync(409);

        Assert.Equal(Slug("license-code-already-used"), problem.Type);
        var usedAt = problem.Body.GetProperty("usedAt").GetDateTimeOffset();
        Assert.True(DateTimeOffset.UtcNow - usedAt < TimeSpan.FromMinutes(5));
        Assert.Contains($"already used on {usedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC by license server {productId}", problem.Detail);
        Assert.Single((await ch.Admin.GetFromJsonAsync<List<InstallRecordView>>("/api/admin/installs"))!);
    }

    [Fact]
    public async Task An_unknown_code_is_not_recognized()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();

        var problem = await (await ch.InstallAsync(new LicenseInstallRequestBody(productId, licenseServerId, "2025", "retail",
            LicenseCode: LicenseIdentifiers.NewRetailCode()))).ProblemAsync(422);

        Assert.Equal(Slug("not-recognized"), problem.Type);
        Assert.StartsWith("The license code is not recognized.", problem.Detail);
    }

    [Fact]
    public async Task A_mistyped_retail_code_is_refused_before_lookup()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var code = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var mistyped = MistypeRetailCode(code);

        var problem = await (await ch.InstallAsync(new LicenseInstallRequestBody(productId, licenseServerId, "2025", "retail", LicenseCode: mistyped))).ProblemAsync(400);

        Assert.Equal("licenseCode", problem.Field);
    }

    [Fact]
    public async Task CALs_newer_than_the_server_are_refused_and_the_code_stays_unused()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var code = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 5);

        var problem = await (await ch.InstallAsync(new LicenseInstallRequestBody(productId, licenseServerId, "2022", "retail", LicenseCode: code))).ProblemAsync(422);

        Assert.Equal(Slug("version-not-hostable"), problem.Type);
        Assert.StartsWith("The license code is not recognized: Windows Server 2025 CALs cannot be hosted on a Windows Server 2022 license server", problem.Detail);
        Assert.Null((await ch.Admin.GetFromJsonAsync<List<RetailCodeView>>("/api/admin/codes"))!.Single().UsedByProductId);
        await (await ch.InstallAsync(new LicenseInstallRequestBody(productId, licenseServerId, "2025", "retail", LicenseCode: code))).GrantedAsync();
    }

    [Fact]
    public async Task An_agreement_install_for_a_newer_version_than_the_server_draws_nothing()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var number = await ch.AddAgreementAsync(LicenseProgram.Select, ProductVersion.WindowsServer2025, CalType.PerDevice, 10);

        var problem = await (await ch.InstallAsync(new LicenseInstallRequestBody(productId, licenseServerId, "2019", "select",
            AgreementNumber: number, Version: "2025", CalType: "per-device", Quantity: 5))).ProblemAsync(422);

        Assert.Equal((Slug("version-not-hostable"), "version"), (problem.Type, problem.Field));
        Assert.Equal(0, (await ch.Admin.GetFromJsonAsync<List<AgreementView>>("/api/admin/agreements"))!.Single().Entitlements.Single().Drawn);
    }

    [Fact]
    public async Task An_exceeded_entitlement_is_not_recognized_without_saying_what_remains_and_draws_nothing()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var number = await ch.AddAgreementAsync(LicenseProgram.EnterpriseAgreement, ProductVersion.WindowsServer2022, CalType.PerUser, 100);
        var body = new LicenseInstallRequestBody(productId, licenseServerId, "2025", "enterprise", AgreementNumber: number, Version: "2022", CalType: "per-user", Quantity: 70);
        await (await ch.InstallAsync(body)).GrantedAsync();

        var problem = await (await ch.InstallAsync(body)).ProblemAsync(422);

        Assert.Equal((Slug("not-recognized"), "agreementNumber"), (problem.Type, problem.Field));
        var said = problem.Detail!.Replace(number, "<number>", StringComparison.Ordinal); // the number itself may hold these digits
        Assert.DoesNotContain("30", said);
        Assert.DoesNotContain("100", said);
        Assert.False(problem.Body.TryGetProperty("remaining", out _));
        Assert.Equal(70, (await ch.Admin.GetFromJsonAsync<List<AgreementView>>("/api/admin/agreements"))!.Single().Entitlements.Single().Drawn);
        await (await ch.InstallAsync(body with { Quantity = 30 })).GrantedAsync();
    }

    [Fact]
    public async Task An_agreement_of_another_program_or_without_the_entitlement_is_not_recognized()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var number = await ch.AddAgreementAsync(LicenseProgram.Campus, ProductVersion.WindowsServer2022, CalType.PerUser, 10);
        var body = new LicenseInstallRequestBody(productId, licenseServerId, "2025", "school", AgreementNumber: number, Version: "2022", CalType: "per-user", Quantity: 1);

        var otherProgram = await (await ch.InstallAsync(body)).ProblemAsync(422);
        var noEntitlement = await (await ch.InstallAsync(body with { Program = "campus", CalType = "per-device" })).ProblemAsync(422);
        var unknown = await (await ch.InstallAsync(body with { AgreementNumber = "7654321" })).ProblemAsync(422);

        Assert.All(new[] { otherProgram, noEntitlement, unknown }, p => Assert.Equal((Slug("not-recognized"), "agreementNumber"), (p.Type, p.Field)));
        Assert.DoesNotContain("Campus", otherProgram.Detail);
        Assert.DoesNotContain("Per User", noEntitlement.Detail);
        Assert.Equal(0, (await ch.Admin.GetFromJsonAsync<List<AgreementView>>("/api/admin/agreements"))!.Single().Entitlements.Single().Drawn);
        await (await ch.InstallAsync(body with { Program = "campus" })).GrantedAsync();
    }

    [Fact]
    public async Task A_server_that_is_not_activated_is_refused_and_the_code_stays_unused()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var deactivate = await ch.Public.PostAsServerAsync("/api/activations/deactivate", new DeactivationRequestBody(productId, licenseServerId, "Ada", "Lovelace"));
        deactivate.EnsureSuccessStatusCode();
        var code = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);

        var problem = await (await ch.InstallAsync(new LicenseInstallRequestBody(productId, licenseServerId, "2025", "retail", LicenseCode: code))).ProblemAsync(409);

        Assert.Equal(Slug("not-activated"), problem.Type);
        Assert.Contains("activate the license server first", problem.Detail);
        Assert.Null((await ch.Admin.GetFromJsonAsync<List<RetailCodeView>>("/api/admin/codes"))!.Single().UsedByProductId);
    }

    [Fact]
    public async Task The_license_server_id_of_another_server_is_refused()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, _) = await ch.NewActivatedServerAsync();
        var (_, otherCode) = await ch.NewActivatedServerAsync();
        var code = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);

        var problem = await (await ch.InstallAsync(new LicenseInstallRequestBody(productId, otherCode, "2025", "retail", LicenseCode: code))).ProblemAsync(422);

        Assert.Equal((Slug("license-server-id-rejected"), "licenseServerId"), (problem.Type, problem.Field));
        Assert.Null((await ch.Admin.GetFromJsonAsync<List<RetailCodeView>>("/api/admin/codes"))!.Single().UsedByProductId);
    }

    [Fact]
    public async Task A_mistyped_group_of_the_license_server_id_is_named()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var problem = await (await ch.InstallAsync(new LicenseInstallRequestBody(productId, MistypeLicenseServerId(licenseServerId, 4), "2025", "retail",
            LicenseCode: LicenseIdentifiers.NewRetailCode()))).ProblemAsync(400);

        Assert.Equal((Slug("code-mistyped"), "licenseServerId", 4), (problem.Type, problem.Field, problem.Group));
        Assert.Contains("group 4", problem.Detail);
    }

    [Fact]
    public async Task Bad_identifiers_and_versions_are_named()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var body = new LicenseInstallRequestBody(productId, licenseServerId, "2025", "select", AgreementNumber: "1234567", Version: "2022", CalType: "per-user", Quantity: 1);

        Assert.Equal("serverVersion", (await (await ch.InstallAsync(body with { ServerVersion = "2003" })).ProblemAsync(400)).Field);
        Assert.Equal("program", (await (await ch.InstallAsync(body with { Program = "bargain-bin" })).ProblemAsync(400)).Field);
        Assert.Equal("agreementNumber", (await (await ch.InstallAsync(body with { AgreementNumber = "12345" })).ProblemAsync(400)).Field);
        Assert.Equal("quantity", (await (await ch.InstallAsync(body with { Quantity = 0 })).ProblemAsync(400)).Field);
        Assert.Equal("calType", (await (await ch.InstallAsync(body with { CalType = "per-socket" })).ProblemAsync(400)).Field);
        Assert.Equal("licenseNumber", (await (await ch.InstallAsync(body with { Program = "open", LicenseNumber = "123" })).ProblemAsync(400)).Field);
    }
}
