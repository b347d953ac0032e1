using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.EndToEnd;

/// <summary>Activation by each connection method, reactivation and deactivation, against a real clearinghouse.</summary>
public sealed class ActivationEndToEndTests
{
    [Fact]
    public async Task Automatic_activation_through_rdlic_saves_the_company_and_installs_the_license_server_id()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.AddServerAsync();

        var output = await Rdlic.OkAsync(server, "server", "activate", "--method", "automatic",
            "--first-name", "Ada", "--last-name", "Lovelace", "--company", "Contoso", "--country", "Ireland", "--city", "Cork");

        var status = await Deployment.StatusAsync(server);
        Assert.Equal("activated", status.Activation.Status);
        Assert.Contains($"The license server is activated: License Server ID {status.Activation.LicenseServerId}", output);
        Assert.Contains("saved as the license server's properties", output);
        var record = Assert.Single(await deployment.ActivationRecordsAsync());
        Assert.Equal((server.ProductId, "automatic", "Contoso", "Cork"), (record.ProductId, record.Method, record.Company.Company, record.Company.City));
        var properties = await server.Admin.GetFromJsonAsync<PropertiesView>("/api/admin/properties");
        Assert.Equal("Ireland", properties!.Company.CountryRegion);
    }

    [Fact]
    public async Task Web_activation_on_the_clearinghouse_page_then_rdlic_with_the_license_server_id()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.AddServerAsync();

        var instructions = await Rdlic.OkAsync(server, "server", "activate", "--method", "web");
        Assert.Contains($"Clearinghouse web: {deployment.Clearinghouse.BaseAddress}activate", instructions);
        Assert.Contains(server.ProductId, instructions);
        using var browser = WebSite.Public(deployment.Clearinghouse);
        var code = await browser.ActivateAsync("/activate", WebSite.RequestCodeIn(instructions), Deployment.Contoso);
        var output = await Rdlic.OkAsync(server, "server", "activate", "--license-server-id", code);

        Assert.Contains($"License Server ID {code}", output);
        Assert.Equal("activated", (await Deployment.StatusAsync(server)).Activation.Status);
        Assert.Equal("web", Assert.Single(await deployment.ActivationRecordsAsync()).Method);
    }

    [Fact]
    public async Task Telephone_activation_through_the_operator_console()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.AddServerAsync();

        var instructions = await Rdlic.OkAsync(server, "server", "activate", "--method", "telephone", "--country", "Australia");
        Assert.Contains("Telephone:         +61 1800 160 401 (Australia)", instructions);
        using var operatorConsole = await WebSite.OperatorAsync(deployment.Clearinghouse);
        var code = await operatorConsole.ActivateAsync("/operator/activate", WebSite.RequestCodeIn(instructions), Deployment.Contoso);
        await Rdlic.OkAsync(server, "server", "activate", "--license-server-id", code.ToLowerInvariant());

        Assert.Equal("activated", (await Deployment.StatusAsync(server)).Activation.Status);
        Assert.Equal("telephone", Assert.Single(await deployment.ActivationRecordsAsync()).Method);
    }

    [Fact]
    public async Task Reactivation_gives_a_new_license_server_id_retires_the_old_one_and_issued_cals_stay_valid()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        var host = await HostAsync(server);
        await host.ConnectAsync("hw-1");
        await host.SignInAsync("hw-1");
        Assert.Equal("permanent-issued", (await host.ConnectAsync("hw-1")).Outcome);
        var before = (await Deployment.StatusAsync(server)).Activation.LicenseServerId!;

        var output = await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "key-compromised", "--method", "automatic");

        var after = (await Deployment.StatusAsync(server)).Activation.LicenseServerId!;
        Assert.NotEqual(before, after);
        Assert.Contains("reactivated (the private key has been compromised)", output);
        Assert.Contains("Issued CALs stay valid", output);
        Assert.Equal("valid", (await host.ConnectAsync("hw-1")).Outcome);
        Assert.Contains("cannot be installed again", await Rdlic.FailsAsync(server, 1, "server", "activate", "--license-server-id", before));
        Assert.Equal("key-compromised", (await deployment.ActivationRecordsAsync())[0].Reason);
    }

    [Fact]
    public async Task Status_warns_before_the_activation_expires_and_reactivate_expired_renews_it()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var expires = (await Deployment.StatusAsync(server)).Activation.ExpiresAt!.Value;

        await server.AdvanceAsync($"{(int)(expires - deployment.Clock.GetUtcNow()).TotalDays - 10}d");
        Assert.Contains((await Deployment.StatusAsync(server)).Warnings, w => w.Contains($"The activation certificate expires on {expires:yyyy-MM-dd}"));
        await server.AdvanceAsync("11d");
        Assert.Equal("expired", (await Deployment.StatusAsync(server)).Activation.Status);
        Assert.Contains("activation expired", await Rdlic.FailsAsync(server, 1, "licenses", "install", "--program", "select", "--agreement", "1234567",
            "--version", "2022", "--type", "per-user", "--count", "5"));

        await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "expired", "--method", "automatic");

        var renewed = await Deployment.StatusAsync(server);
        Assert.Equal("activated", renewed.Activation.Status);
        Assert.True(renewed.Activation.ExpiresAt > deployment.Clock.GetUtcNow().AddDays(700));
        Assert.DoesNotContain(renewed.Warnings, w => w.Contains("activation"));
    }

    [Fact]
    public async Task Deactivation_tells_the_clearinghouse_and_the_server_licenses_no_new_clients_until_reactivated()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        var host = await HostAsync(server);

        var output = await Rdlic.OkAsync(server, "server", "deactivate", "--method", "automatic");

        Assert.Contains("the clearinghouse was told", output);
        Assert.Equal("deactivated", Assert.Single(await deployment.ActivationRecordsAsync()).Status);
        Assert.Contains("deactivated", await Rdlic.OkAsync(server, "server", "status"));
        await host.ConnectAsync("hw-1");
        await host.SignInAsync("hw-1");
        Assert.Equal("temporary-kept", (await host.ConnectAsync("hw-1")).Outcome);
        Assert.Contains("deactivated", await Rdlic.FailsAsync(server, 1, "licenses", "install", "--program", "retail",
            "--code", await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerUser, 1)));

        await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "redeployed", "--method", "automatic");

        Assert.Equal("activated", (await Deployment.StatusAsync(server)).Activation.Status);
        Assert.Equal("permanent-issued", (await host.ConnectAsync("hw-1")).Outcome);
    }

    internal static async Task<SessionHost> HostAsync(Testing.TestLicenseServer server, string version = "2025") => new(await server.EnrollHostAsync(), version);
}

/// <summary>A session host: asks Per Device CALs for devices, and reports sign-ins.</summary>
internal sealed class SessionHost(HttpClient http, string version)
{
    private readonly Dictionary<string, string> _stored = new();

    public async Task<CalResponseBody> ConnectAsync(string hardwareId)
    {
        var response = await http.PostAsJsonAsync("/api/sessionhost/cals",
            new CalRequestBody("per-device", version, hardwareId, "PC-" + hardwareId, null, _stored.GetValueOrDefault(hardwareId)));
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<CalResponseBody>())!;
        if (body.License is not null) _stored[hardwareId] = body.License;
        return body;
    }

    public async Task SignInAsync(string hardwareId) =>
        (await http.PostAsJsonAsync("/api/sessionhost/cals/sign-in", new SignInBody(hardwareId))).EnsureSuccessStatusCode();

    public async Task<CalResponseBody> ConnectUserAsync(string user)
    {
        var response = await http.PostAsJsonAsync("/api/sessionhost/cals", new CalRequestBody("per-user", version, null, "laptop", user, null));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CalResponseBody>())!;
    }
}
