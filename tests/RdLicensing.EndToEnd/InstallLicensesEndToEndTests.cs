using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.EndToEnd;

/// <summary>Install Licenses through the clearinghouse for every license program, and by license key pack ID.</summary>
public sealed class InstallLicensesEndToEndTests : IAsyncLifetime
{
    private Deployment _deployment = null!;
    private TestLicenseServer _server = null!;

    public async Task InitializeAsync()
    {
        _deployment = await Deployment.StartAsync();
        // Activated by the web method, so the clearinghouse knows the server's key for the request codes of the web and telephone installs.
        _server = await _deployment.WebActivateAsync(await _deployment.AddServerAsync(ProductVersion.WindowsServer2022));
    }

    public async Task DisposeAsync() => await _deployment.DisposeAsync();

    [Fact]
    public async Task A_retail_code_installs_through_rdlic()
    {
        var code = await _deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 25);

        var output = await Rdlic.OkAsync(_server, "licenses", "install", "--program", "retail", "--code", code.ToLowerInvariant());

        Assert.StartsWith("The licenses have been successfully installed.", output);
        Assert.Contains("Windows Server 2022 - RDS Per User CAL: 25 license(s), License Pack (Retail Purchase)", output);
        Assert.Matches(@"License key pack ID \(keep it for support\): ([0-9A-Z]{5}-){33}[0-9A-Z]{5}", output);
        var pack = Assert.Single(await Deployment.KeyPacksAsync(_server));
        Assert.Equal(("retail", 25, 25), (pack.Program, pack.Total, pack.Available));
    }

    [Fact]
    public async Task An_open_license_installs_through_rdlic()
    {
        var (number, authorization) = await _deployment.Clearinghouse.AddOpenLicenseAsync(ProductVersion.WindowsServer2019, CalType.PerDevice, 12);

        var output = await Rdlic.OkAsync(_server, "licenses", "install", "--program", "open", "--license-number", number, "--authorization", authorization);

        Assert.Contains("Windows Server 2019 - RDS Per Device CAL: 12 license(s), Open License", output);
    }

    [Theory]
    [InlineData(LicenseProgram.Select)]
    [InlineData(LicenseProgram.EnterpriseAgreement)]
    [InlineData(LicenseProgram.Campus)]
    [InlineData(LicenseProgram.School)]
    [InlineData(LicenseProgram.Spla)]
    [InlineData(LicenseProgram.Other)]
    public async Task Every_agreement_program_installs_through_rdlic(LicenseProgram program)
    {
        var number = await _deployment.Clearinghouse.AddAgreementAsync(program, ProductVersion.WindowsServer2022, CalType.PerUser, 100);

        var output = await Rdlic.OkAsync(_server, "licenses", "install", "--program", program.ToShortName(), "--agreement", number,
            "--version", "2022", "--type", "per-user", "--count", "40");

        Assert.Contains($"Windows Server 2022 - RDS Per User CAL: 40 license(s), {program.ToDisplayName()}", output);
        var pack = Assert.Single(await Deployment.KeyPacksAsync(_server));
        Assert.Equal((program.ToShortName(), 40), (pack.Program, pack.Total));
    }

    [Fact]
    public async Task A_key_pack_id_from_the_install_page_installs_offline_once()
    {
        var code = await _deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2016, CalType.PerDevice, 7);
        var requestCode = WebSite.RequestCodeIn(await Rdlic.OkAsync(_server, "licenses", "install", "--method", "web"));
        using var browser = WebSite.Public(_deployment.Clearinghouse);
        var keyPackId = await browser.InstallAsync("/install", requestCode, ("program", "retail"), ("licenseCode", code));

        var output = await Rdlic.OkAsync(_server, "licenses", "install", "--key-pack-id", keyPackId);
        var replay = await Rdlic.FailsAsync(_server, 1, "licenses", "install", "--key-pack-id", keyPackId);

        Assert.Contains("Windows Server 2016 - RDS Per Device CAL: 7 license(s)", output);
        Assert.Contains("already installed", replay);
        Assert.Single(await Deployment.KeyPacksAsync(_server));
    }

    [Fact]
    public async Task A_key_pack_id_read_by_the_telephone_operator_installs()
    {
        var agreement = await _deployment.Clearinghouse.AddAgreementAsync(LicenseProgram.Select, ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
        var requestCode = WebSite.RequestCodeIn(await Rdlic.OkAsync(_server, "licenses", "install", "--method", "telephone", "--country", "Canada"));
        using var operatorConsole = await WebSite.OperatorAsync(_deployment.Clearinghouse);
        var keyPackId = await operatorConsole.InstallAsync("/operator/install", requestCode,
            ("program", "select"), ("agreementNumber", agreement), ("version", "2022"), ("calType", "per-device"), ("quantity", "10"));

        await Rdlic.OkAsync(_server, "licenses", "install", "--key-pack-id", keyPackId);

        Assert.Equal(10, Assert.Single(await Deployment.KeyPacksAsync(_server)).Total);
    }

    [Fact]
    public async Task A_clearinghouse_refusal_is_passed_on_with_its_detail()
    {
        var code = await _deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 5);
        await Rdlic.OkAsync(_server, "licenses", "install", "--program", "retail", "--code", code);

        var again = await Rdlic.FailsAsync(_server, 1, "licenses", "install", "--program", "retail", "--code", code);
        var unknown = await Rdlic.FailsAsync(_server, 1, "licenses", "install", "--program", "retail", "--code", Core.Codes.LicenseIdentifiers.NewRetailCode());

        Assert.Contains("already", again);
        Assert.Contains("The license code is not recognized", unknown);
        Assert.Single(await Deployment.KeyPacksAsync(_server));
    }

    [Fact]
    public async Task Cals_newer_than_the_server_are_refused_and_the_code_is_not_used_up()
    {
        var code = await _deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerUser, 5);

        var retail = await Rdlic.FailsAsync(_server, 1, "licenses", "install", "--program", "retail", "--code", code);
        var agreement = await Rdlic.FailsAsync(_server, 1, "licenses", "install", "--program", "select", "--agreement", "1234567",
            "--version", "2025", "--type", "per-user", "--count", "5");

        Assert.Contains("2025", retail);
        Assert.Contains("The license code is not recognized: Windows Server 2025 CALs cannot be hosted on a Windows Server 2022 license server", agreement);
        var newer = await Deployment.ActivateAsync(await _deployment.AddServerAsync(ProductVersion.WindowsServer2025));
        await Rdlic.OkAsync(newer, "licenses", "install", "--program", "retail", "--code", code);
    }

    [Fact]
    public async Task The_api_answers_the_installed_pack_and_its_key_pack_id()
    {
        var code = await _deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 3);

        var response = await _server.Admin.PostAsJsonAsync("/api/admin/licenses", new LicenseInstallBody("retail", code));

        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var installed = (await response.Content.ReadFromJsonAsync<LicenseInstallResponse>())!;
        Assert.NotNull(installed.KeyPackIdCode);
        var record = Assert.Single((await _deployment.Clearinghouse.Admin.GetFromJsonAsync<InstallRecordView[]>("/api/admin/installs"))!);
        Assert.Equal((installed.KeyPack.Id, _server.ProductId), (record.KeyPackId, record.ProductId));
    }
}
