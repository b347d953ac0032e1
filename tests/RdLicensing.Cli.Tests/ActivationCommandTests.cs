using System.Net.Http.Json;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

public sealed class ActivationCommandTests
{
    private const string Nowhere = "http://127.0.0.1:1";

    /// <summary>The check character of the group changed: that group's check always fails.</summary>
    internal static string Mistype(string code, int group)
    {
        var groups = code.Split('-');
        var g = groups[group - 1];
        groups[group - 1] = g[..4] + GroupedCode.Alphabet.First(c => c != g[4]);
        return string.Join('-', groups);
    }

    [Fact]
    public async Task A_mistyped_license_server_id_is_named_by_rdlic_before_anything_is_sent()
    {
        using var authority = new TestKeyAuthority();
        var code = authority.IssueLicenseServerId("12345-12345-12345-12345", DateTimeOffset.UtcNow.AddYears(1));

        var result = await Rdlic.RunAsync("server", "activate", "--license-server-id", Mistype(code, 4), "--server", Nowhere);

        var line = Rdlic.OneErrorLine(result, 2);
        Assert.Contains("group 4", line);
        Assert.Contains("is wrong", line);
    }

    [Fact]
    public async Task The_code_of_another_server_is_refused_by_the_server()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var theirs = server.Authority.IssueLicenseServerId("12345-12345-12345-12345", DateTimeOffset.UtcNow.AddYears(1));

        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync(server, "server", "activate", "--license-server-id", theirs), 1);

        Assert.Contains($"not issued for this license server ({server.ProductId})", line);
    }

    [Fact]
    public async Task Automatic_activation_names_the_missing_field_and_sends_nothing()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: Nowhere);

        var result = await Rdlic.RunAsync(server, "server", "activate", "--method", "automatic", "--first-name", "Ada", "--company", "Contoso", "--country", "France");

        Assert.Equal("rdlic: --last-name is required to activate automatically (nothing was sent; or save them with 'rdlic server properties set').", Rdlic.OneErrorLine(result, 2));
        Assert.Empty((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5025"))!);
    }

    [Fact]
    public async Task Automatic_activation_with_an_unreachable_clearinghouse_suggests_the_other_methods()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: Nowhere);

        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync(server, "server", "activate", "--method", "automatic",
            "--first-name", "Ada", "--last-name", "Lovelace", "--company", "Contoso", "--country", "France"), 1);

        Assert.Contains("cannot be reached", line);
        Assert.Contains("--method web", line);
    }

    [Fact]
    public async Task The_telephone_method_prints_the_product_id_and_the_number()
    {
        await using var server = await TestLicenseServer.StartAsync();

        var output = await Rdlic.OkAsync(server, "server", "activate", "--method", "telephone", "--country", "japan");

        Assert.Contains($"Product ID:        {server.ProductId}", output);
        Assert.Contains("Telephone:         +81 120 000 555 (Japan)", output);
        Assert.Contains("rdlic server activate --license-server-id <License Server ID>", output);
    }

    [Fact]
    public async Task A_country_without_a_number_is_a_usage_error()
    {
        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync("server", "activate", "--method", "telephone", "--country", "Atlantis", "--server", Nowhere), 2);

        Assert.Contains("no clearinghouse telephone number for 'Atlantis'", line);
        Assert.Contains("United States", line);
    }

    [Fact]
    public async Task The_web_method_prints_the_activation_page_and_the_next_command()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://clearinghouse.example");

        var output = await Rdlic.OkAsync(server, "server", "activate", "--method", "web");

        Assert.Contains($"Product ID:        {server.ProductId}", output);
        Assert.Matches(@"Request code:      ([0-9A-Z]{5}-){47}[0-9A-Z]{5}", output); // never activated: it carries the server's key
        Assert.Contains("Clearinghouse web: http://clearinghouse.example/activate", output);
        Assert.Contains("rdlic server activate --license-server-id <License Server ID>", output);
    }

    [Fact]
    public async Task Deactivation_by_telephone_shows_in_status_and_reactivation_by_telephone_gives_the_number()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();
        await Rdlic.OkAsync(server, "server", "properties", "set", "--method", "telephone", "--first-name", "Ada", "--last-name", "Lovelace",
            "--company", "Contoso", "--country", "Canada");

        var asked = await Rdlic.OkAsync(server, "server", "deactivate");
        Assert.Contains("Nothing changed yet", asked);
        Assert.Contains("+1 800 555 0199", asked);
        Assert.DoesNotContain("deactivated", await Rdlic.OkAsync(server, "server", "status"));
        var requestCode = System.Text.RegularExpressions.Regex.Match(asked, @"Request code:\s+(\S+)").Groups[1].Value;
        var confirmation = server.Authority.ConfirmDeactivation(server.ProductId, requestCode);
        var deactivated = await Rdlic.OkAsync(server, "server", "deactivate", "--confirmation-code", confirmation.ToLowerInvariant());
        var status = await Rdlic.OkAsync(server, "server", "status");
        var reactivate = await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "redeployed");

        Assert.Contains("The license server is deactivated, as the clearinghouse confirmed", deactivated);
        Assert.Contains("deactivated (was License Server ID", status);
        Assert.Contains("Telephone:         +1 800 555 0199 (Canada)", reactivate);
        Assert.Matches(@"Request code:      ([0-9A-Z]{5}-){47}[0-9A-Z]{5}", reactivate); // carries the key, so the clearinghouse can record it
        Assert.Contains("reactivate (reason: the license server has been redeployed)", reactivate);
    }

    [Fact]
    public async Task Licenses_install_by_web_prints_the_request_code_and_the_install_page()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://clearinghouse.example");
        await server.ActivateAsync();

        var output = await Rdlic.OkAsync(server, "licenses", "install", "--method", "web");
        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync(server, "licenses", "install", "--method", "web", "--program", "retail"), 2);

        Assert.Contains("Clearinghouse web: http://clearinghouse.example/install", output);
        Assert.Contains("rdlic licenses install --key-pack-id", output);
        var code = Core.Proof.ServerRequestCode.Read(System.Text.RegularExpressions.Regex.Match(output, @"Request code:\s+(\S+)").Groups[1].Value);
        Assert.Equal((server.ProductId, Core.Proof.ServerRequestPurpose.Install), (code.ProductId, code.Purpose));
        Assert.Contains("only prints the request code", line);
    }

    [Fact]
    public async Task A_mistyped_confirmation_code_is_a_usage_error_and_changes_nothing()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();

        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync(server, "server", "deactivate", "--confirmation-code", "ABCDE-FGHJK"), 2);

        Assert.Contains("--confirmation-code", line);
        Assert.DoesNotContain("deactivated", await Rdlic.OkAsync(server, "server", "status"));
    }

    [Theory]
    [InlineData("rdlic: --reason must be one of redeployed, certificate-corrupt, key-compromised, expired, upgraded", "server", "reactivate", "--reason", "bored")]
    [InlineData("rdlic: --reason redeployed|certificate-corrupt|key-compromised|expired|upgraded is required (see rdlic server reactivate --help)", "server", "reactivate")]
    [InlineData("rdlic: --method must be one of automatic, web, telephone", "server", "activate", "--method", "pigeon")]
    [InlineData("rdlic: --license-server-id installs a License Server ID; it does not go with --method", "server", "activate", "--license-server-id", "X", "--method", "web")]
    public async Task Wrong_arguments_are_one_line_and_exit_2(string expected, params string[] args)
    {
        Assert.Equal(expected, Rdlic.OneErrorLine(await Rdlic.RunAsync([.. args, "--server", Nowhere]), 2));
    }
}
