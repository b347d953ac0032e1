using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Activation by License Server ID and the parts of the wizards that need no clearinghouse.</summary>
public sealed class ActivationTests
{
    private static readonly CompanyInformation Contoso = new("Ada", "Lovelace", "Contoso", "United Kingdom");

    /// <summary>The code with the check character of group <paramref name="group"/> changed, so that group's check always fails.</summary>
    internal static string Mistype(string code, int group)
    {
        var groups = code.Split('-');
        var g = groups[group - 1];
        groups[group - 1] = g[..4] + GroupedCode.Alphabet.First(c => c != g[4]);
        return string.Join('-', groups);
    }

    [Fact]
    public async Task A_mistyped_license_server_id_names_the_wrong_group()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var code = server.Authority.IssueLicenseServerId(server.ProductId, DateTimeOffset.UtcNow.AddYears(2));

        var problem = await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/activation", new ActivationCodeBody(Mistype(code, 4))),
            HttpStatusCode.BadRequest, "code-mistyped");

        Assert.Equal(4, problem.GetProperty("group").GetInt32());
        Assert.Contains("group 4", problem.Detail());
        Assert.Equal("not-activated", (await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!.Activation.Status);
    }

    [Fact]
    public async Task The_code_of_another_server_is_refused_clearly()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await using var other = await TestLicenseServer.StartAsync(authority: server.Authority);
        var theirs = server.Authority.IssueLicenseServerId(other.ProductId, DateTimeOffset.UtcNow.AddYears(2));

        var problem = await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/activation", new ActivationCodeBody(theirs)),
            HttpStatusCode.UnprocessableEntity, "activation-rejected");

        Assert.Contains($"not issued for this license server ({server.ProductId})", problem.Detail());
        Assert.Contains("another server", problem.Detail());
    }

    [Fact]
    public async Task A_code_signed_by_another_key_is_refused()
    {
        await using var server = await TestLicenseServer.StartAsync();
        using var impostor = new TestKeyAuthority("Impostor");

        await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/activation",
            new ActivationCodeBody(impostor.IssueLicenseServerId(server.ProductId, DateTimeOffset.UtcNow.AddYears(2)))), HttpStatusCode.UnprocessableEntity, "activation-rejected");
    }

    [Fact]
    public async Task Installing_the_current_code_again_changes_nothing_and_a_replaced_code_is_refused()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var first = server.Authority.IssueLicenseServerId(server.ProductId, DateTimeOffset.UtcNow.AddYears(2), serial: 1);
        var second = server.Authority.IssueLicenseServerId(server.ProductId, DateTimeOffset.UtcNow.AddYears(2), serial: 2);
        await ProblemAssert.OkAsync<ActivationView>(await server.Admin.PostAsJsonAsync("/api/admin/activation", new ActivationCodeBody(first)));
        await ProblemAssert.OkAsync<ActivationView>(await server.Admin.PostAsJsonAsync("/api/admin/activation", new ActivationCodeBody(first)));
        await ProblemAssert.OkAsync<ActivationView>(await server.Admin.PostAsJsonAsync("/api/admin/activation", new ActivationCodeBody(second)));

        var problem = await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/activation", new ActivationCodeBody(first)),
            HttpStatusCode.UnprocessableEntity, "license-server-id-retired");

        Assert.Contains("cannot be installed again", problem.Detail());
        Assert.Equal(GroupedCode.Format(GroupedCode.Normalize(second)), (await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!.Activation.LicenseServerId);
        Assert.Single((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=4"))!, e => e.Message.Contains(first[..11]));
    }

    [Fact]
    public async Task Telephone_instructions_give_the_product_id_and_the_number_of_the_country()
    {
        await using var server = await TestLicenseServer.StartAsync();

        var instructions = await server.Admin.GetFromJsonAsync<ActivationInstructionsView>("/api/admin/activation/instructions?method=telephone&country=germany");

        Assert.Equal(server.ProductId, instructions!.ProductId);
        Assert.Equal("Germany", instructions.CountryRegion);
        Assert.Equal("+49 800 000 0555", instructions.TelephoneNumber);
        Assert.Contains("rdlic server activate --license-server-id", instructions.NextStep);
    }

    [Fact]
    public async Task Telephone_instructions_without_a_known_country_list_the_countries()
    {
        await using var server = await TestLicenseServer.StartAsync();

        var problem = await ProblemAssert.IsAsync(await server.Admin.GetAsync("/api/admin/activation/instructions?method=telephone"),
            HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal("countryRegion", problem.Field());
        Assert.Contains("United States", problem.Detail());
    }

    [Fact]
    public async Task Web_instructions_give_the_clearinghouse_activation_page()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://clearinghouse.example:8080/");

        var instructions = await server.Admin.GetFromJsonAsync<ActivationInstructionsView>("/api/admin/activation/instructions?method=web");

        Assert.Equal("http://clearinghouse.example:8080/activate", instructions!.PageUrl);
        var code = Core.Proof.ServerRequestCode.Read(instructions.RequestCode);
        Assert.Equal((server.ProductId, Core.Proof.ServerRequestPurpose.Activate), (code.ProductId, code.Purpose));
        Assert.Contains("give the request code", instructions.NextStep);
    }

    [Fact]
    public async Task Web_instructions_without_a_clearinghouse_address_say_so()
    {
        await using var server = await TestLicenseServer.StartAsync();

        await ProblemAssert.IsAsync(await server.Admin.GetAsync("/api/admin/activation/instructions?method=web"), HttpStatusCode.Conflict, "clearinghouse-not-configured");
    }

    [Fact]
    public async Task Automatic_activation_names_a_missing_field_and_sends_nothing()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");

        var problem = await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/activation/automatic",
            new AutomaticActivationBody(Contoso with { Company = null })), HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal("company.company", problem.Field());
        Assert.Empty((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5025"))!);
    }

    [Fact]
    public async Task Automatic_activation_without_a_clearinghouse_address_suggests_web_or_telephone()
    {
        await using var server = await TestLicenseServer.StartAsync();

        var problem = await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/activation/automatic", new AutomaticActivationBody(Contoso)),
            HttpStatusCode.Conflict, "clearinghouse-not-configured");

        Assert.Contains("--method web", problem.Detail());
        Assert.Equal("Contoso", (await server.Admin.GetFromJsonAsync<PropertiesView>("/api/admin/properties"))!.Company.Company);
    }

    [Fact]
    public async Task Automatic_activation_with_an_unreachable_clearinghouse_is_a_502_suggesting_web_or_telephone()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");

        var problem = await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/activation/automatic", new AutomaticActivationBody(Contoso)),
            HttpStatusCode.BadGateway, "clearinghouse-unreachable");

        Assert.Contains("cannot be reached", problem.Detail());
        Assert.Contains("telephone", problem.Detail());
        Assert.Single((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5025"))!);
    }

    [Fact]
    public async Task Reactivation_needs_an_activated_server_and_a_known_reason()
    {
        await using var server = await TestLicenseServer.StartAsync();

        await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/activation/reactivate",
            new ReactivationBody("expired", "telephone", "Ada", "Lovelace", "France")), HttpStatusCode.Conflict, "not-activated");
        var problem = await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/activation/reactivate",
            new ReactivationBody("bored", "telephone", "Ada", "Lovelace", "France")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal("reason", problem.Field());
    }

    [Fact]
    public async Task Reactivation_by_telephone_gives_instructions_and_keeps_the_activation()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();

        var answer = await ProblemAssert.OkAsync<ActivationChangeResponse>(await server.Admin.PostAsJsonAsync("/api/admin/activation/reactivate",
            new ReactivationBody("upgraded", "telephone", "Ada", "Lovelace", "France")));

        Assert.Equal("activated", answer.Activation.Status);
        Assert.Equal("+33 800 000 555", answer.Instructions!.TelephoneNumber);
        Assert.Contains("reactivate (reason: the license server has been upgraded)", answer.Instructions.NextStep);
        Assert.Equal(Core.Proof.ServerRequestPurpose.Reactivate, Core.Proof.ServerRequestCode.Read(answer.Instructions.RequestCode).Purpose);
    }

    [Fact]
    public async Task A_deactivated_server_gives_devices_only_temporary_cals_until_it_is_reactivated()
    {
        await using var server = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022);
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var host = new HostClient(await server.EnrollHostAsync());
        await host.ConnectDeviceAsync("hw-permanent");
        await host.SignInAsync("hw-permanent");
        Assert.Equal("permanent-issued", (await host.ConnectDeviceAsync("hw-permanent")).Outcome);
        await host.ConnectDeviceAsync("hw-waiting");
        await host.SignInAsync("hw-waiting");
        var licenseServerId = (await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!.Activation.LicenseServerId!;

        var asked = await ProblemAssert.OkAsync<ActivationChangeResponse>(await server.Admin.PostAsJsonAsync("/api/admin/activation/deactivate",
            new DeactivationBody("telephone", "Ada", "Lovelace", "Canada")));
        Assert.Equal("activated", asked.Activation.Status);
        Assert.Contains("+1 800 555 0199", asked.Message);
        var deactivated = await ProblemAssert.OkAsync<ActivationChangeResponse>(await server.Admin.PostAsJsonAsync("/api/admin/activation/deactivate",
            new DeactivationBody(null, null, null, null, server.Authority.ConfirmDeactivation(server.ProductId, asked.Instructions!.RequestCode!))));

        Assert.Equal("deactivated", deactivated.Activation.Status);
        var status = await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status");
        Assert.Equal("deactivated", status!.Activation.Status);
        Assert.Contains(status.Warnings, w => w.Contains("deactivated"));
        var waiting = await host.ConnectDeviceAsync("hw-waiting");
        Assert.Equal("temporary-kept", waiting.Outcome);
        Assert.Contains("not activated", waiting.Message);
        Assert.Equal("temporary-issued", (await host.ConnectDeviceAsync("hw-new")).Outcome);
        Assert.Equal("valid", (await host.ConnectDeviceAsync("hw-permanent")).Outcome);
        Assert.True((await host.ConnectUserAsync("bob")).Licensed); // Per User CALs are unaffected, as on an unactivated server
        Assert.Single((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5023"))!);

        // The old License Server ID cannot undo the deactivation; a new one from the clearinghouse does.
        await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/activation", new ActivationCodeBody(licenseServerId)),
            HttpStatusCode.UnprocessableEntity, "license-server-id-retired");
        await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/activation/deactivate",
            new DeactivationBody("telephone", "Ada", "Lovelace", "Canada")), HttpStatusCode.Conflict, "not-activated");
        await server.ActivateAsync();
        Assert.Equal("permanent-issued", (await host.ConnectDeviceAsync("hw-waiting")).Outcome);
    }

    [Fact]
    public async Task Deactivation_survives_a_restart()
    {
        var data = Path.Combine(Path.GetTempPath(), "rdl-deact-" + Guid.NewGuid().ToString("N")[..8]);
        using var authority = new TestKeyAuthority();
        await using (var server = await TestLicenseServer.StartAsync(dataDirectory: data, authority: authority))
        {
            server.KeepDataDirectory = true;
            await server.ActivateAsync();
            await RequestCodeTests.DeactivateByTelephoneAsync(server);
        }

        await using var restarted = await TestLicenseServer.StartAsync(dataDirectory: data, authority: authority);

        Assert.Equal("deactivated", (await restarted.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!.Activation.Status);
    }

    [Fact]
    public async Task Status_warns_before_the_activation_certificate_expires()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync(TimeSpan.FromDays(20));

        var status = await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status");

        Assert.Contains(status!.Warnings, w => w.Contains("The activation certificate expires on") && w.Contains("reactivate --reason expired"));
    }
}
