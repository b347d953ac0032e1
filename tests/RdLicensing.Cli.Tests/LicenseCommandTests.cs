using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

public sealed class LicenseCommandTests
{
    private const string Nowhere = "http://127.0.0.1:1";

    private static string KeyPackIdCodeFor(TestLicenseServer server, int quantity = 15) =>
        KeyPackIdCode.Issue(server.Authority.Authority, new KeyPackGrant(KeyPackIdCode.NewKeyPackId(), LicenseProgram.Retail, "retail", ProductVersion.WindowsServer2022,
            CalType.PerDevice, quantity, null, "Web install", server.ProductId, DateTimeOffset.UtcNow));

    [Fact]
    public async Task A_key_pack_id_installs_and_prints_the_pack_and_the_code_to_keep()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var code = KeyPackIdCodeFor(server);

        var output = await Rdlic.OkAsync(server, "licenses", "install", "--key-pack-id", code);
        var replay = Rdlic.OneErrorLine(await Rdlic.RunAsync(server, "licenses", "install", "--key-pack-id", code), 1);

        Assert.StartsWith("The licenses have been successfully installed.", output);
        Assert.Contains("Windows Server 2022 - RDS Per Device CAL: 15 license(s), License Pack (Retail Purchase)", output);
        Assert.Contains($"License key pack ID (keep it for support): {code}", output);
        Assert.Contains("already installed", replay);
    }

    [Fact]
    public async Task A_mistyped_key_pack_id_is_named_before_anything_is_sent()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var mistyped = ActivationCommandTests.Mistype(KeyPackIdCodeFor(server), 10);

        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync("licenses", "install", "--key-pack-id", mistyped, "--server", Nowhere), 2);

        Assert.Contains("group 10", line);
    }

    [Fact]
    public async Task A_mistyped_retail_code_is_named_before_anything_is_sent()
    {
        var code = LicenseIdentifiers.NewRetailCode();
        var typo = code[..^1] + (code[^1] == 'A' ? 'B' : 'A');

        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync("licenses", "install", "--program", "retail", "--code", typo, "--server", Nowhere), 2);

        // Each group carries a check character: the wrong group is named.
        Assert.Equal($"rdlic: --code: The license code is mistyped: group 5 ({typo.Split('-')[4]}) is wrong. Check it against your purchase and type it again.", line);
    }

    [Fact]
    public async Task Installing_on_a_server_that_is_not_activated_is_refused_by_it()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: Nowhere);

        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync(server, "licenses", "install", "--program", "select", "--agreement", "1234567",
            "--version", "2022", "--type", "per-user", "--count", "10"), 1);

        Assert.Contains("not activated", line);
    }

    [Theory]
    [InlineData("rdlic: licenses install needs --program (retail, open, select, enterprise, campus, school, spla, other) with its identifiers, or --key-pack-id CODE", "licenses", "install")]
    [InlineData("rdlic: --code does not go with --program open; it needs --license-number, --authorization", "licenses", "install", "--program", "open", "--code", "X")]
    [InlineData("rdlic: --program enterprise needs --type, --count", "licenses", "install", "--program", "enterprise", "--agreement", "1234567", "--version", "2022")]
    [InlineData("rdlic: --agreement: an agreement or enrollment number has 7 digits", "licenses", "install", "--program", "campus", "--agreement", "12", "--version", "2022", "--type", "per-user", "--count", "3")]
    [InlineData("rdlic: --license-number: an Open License number has 8 digits", "licenses", "install", "--program", "open", "--license-number", "1", "--authorization", "ABCDEFGHJK12345")]
    [InlineData("rdlic: --key-pack-id installs on its own: the license key pack ID already says the program, version, type and count", "licenses", "install", "--key-pack-id", "X", "--program", "retail")]
    [InlineData("rdlic: --program must be one of retail, open, select, enterprise, campus, school, spla, other", "licenses", "install", "--program", "barter")]
    [InlineData("rdlic: --count must be a whole number from 1 to 1000000", "licenses", "install", "--count", "0")]
    [InlineData("rdlic: licenses migrate needs one source: --from URL --from-token TOKEN (running), or --source-license-server-id CODE --source-version VERSION --confirm-removed --program P and its identifiers (no longer functioning)", "licenses", "migrate")]
    [InlineData("rdlic: --code goes with a source that no longer functions (--source-license-server-id): a running source gives up its licenses itself", "licenses", "migrate", "--from", "http://old:5080", "--from-token", "t", "--code", "X")]
    [InlineData("rdlic: --from needs --from-token TOKEN: an administrator token of the source license server", "licenses", "migrate", "--from", "http://old:5080")]
    [InlineData("rdlic: --key-pack must be a key pack id (a GUID from 'rdlic keypacks list'), not 'abc'", "licenses", "migrate", "--key-pack", "abc")]
    [InlineData("rdlic: --source-version must be one of 2008r2, 2012, 2012r2, 2016, 2019, 2022, 2025", "licenses", "migrate", "--source-version", "1999")]
    public async Task Wrong_arguments_are_one_line_and_exit_2(string expected, params string[] args)
    {
        Assert.Equal(expected, Rdlic.OneErrorLine(await Rdlic.RunAsync([.. args, "--server", Nowhere]), 2));
    }

    [Fact]
    public async Task A_dead_source_needs_the_confirmation_and_a_well_typed_license_server_id()
    {
        using var authority = new TestKeyAuthority();
        var code = authority.IssueLicenseServerId("12345-12345-12345-12345", DateTimeOffset.UtcNow.AddYears(1));
        var typo = ActivationCommandTests.Mistype(code, 2);

        var unconfirmed = Rdlic.OneErrorLine(await Rdlic.RunAsync("licenses", "migrate", "--source-license-server-id", code, "--source-version", "2019", "--server", Nowhere), 2);
        var mistyped = Rdlic.OneErrorLine(await Rdlic.RunAsync("licenses", "migrate", "--source-license-server-id", typo, "--source-version", "2019",
            "--confirm-removed", "--server", Nowhere), 2);
        var unproven = Rdlic.OneErrorLine(await Rdlic.RunAsync("licenses", "migrate", "--source-license-server-id", code, "--source-version", "2019",
            "--confirm-removed", "--server", Nowhere), 2);
        var badCode = Rdlic.OneErrorLine(await Rdlic.RunAsync("licenses", "migrate", "--source-license-server-id", code, "--source-version", "2019",
            "--confirm-removed", "--program", "retail", "--code", "ABC", "--server", Nowhere), 2);
        var openWithoutAuthorization = Rdlic.OneErrorLine(await Rdlic.RunAsync("licenses", "migrate", "--source-license-server-id", code, "--source-version", "2019",
            "--confirm-removed", "--program", "open", "--license-number", "12345678", "--server", Nowhere), 2);

        Assert.StartsWith("rdlic: --confirm-removed is required", unconfirmed);
        Assert.Contains("group 2", mistyped);
        Assert.StartsWith("rdlic: a source that no longer functions gives up only licenses whose purchase you prove", unproven);
        Assert.StartsWith("rdlic: --code:", badCode);
        Assert.Equal("rdlic: --program open needs --authorization", openWithoutAuthorization);
    }
}
