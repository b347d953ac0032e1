using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

public sealed class RevocationTests
{
    /// <summary>A device's permanent CAL: first connection, sign-in, second connection (the revocation and token-cache tests use it).</summary>
    internal static async Task<long> PermanentCalAsync(HostClient host, string hw)
    {
        await host.ConnectDeviceAsync(hw);
        await host.SignInAsync(hw);
        var permanent = await host.ConnectDeviceAsync(hw);
        Assert.Equal("permanent-issued", permanent.Outcome);
        return permanent.Cal!.Id;
    }

    [Fact]
    public async Task Revoking_returns_the_license_at_once_and_the_20_percent_limit_names_the_next_possible_date()
    {
        await using var server = await TestLicenseServer.StartAsync(validity: new FixedValidity(60));
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 10); // limit 2
        var host = new HostClient(await server.EnrollHostAsync());
        var ids = new List<long>();
        for (var i = 0; i < 3; i++) ids.Add(await PermanentCalAsync(host, $"hw-{i}"));

        var first = await server.Admin.PostAsync($"/api/admin/cals/{ids[0]}/revoke", null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var revoked = (await first.Content.ReadFromJsonAsync<RevokeResponse>())!;
        Assert.Equal("revoked", revoked.Cal.Status);
        Assert.Equal(1, revoked.Revocation.RevocableNow);
        var packs = await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks");
        Assert.Equal(2, packs![0].Issued);

        await server.AdvanceAsync("1d");
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PostAsync($"/api/admin/cals/{ids[1]}/revoke", null)).StatusCode);
        var refused = await server.Admin.PostAsync($"/api/admin/cals/{ids[2]}/revoke", null);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/revocation-limit-reached", problem.GetProperty("type").GetString());
        Assert.Equal(0, problem.GetProperty("revocableNow").GetInt32());
        var next = problem.GetProperty("nextRevocationPossibleAt").GetDateTimeOffset();
        var firstRevoked = await server.Admin.GetFromJsonAsync<CalView>($"/api/admin/cals/{ids[0]}");
        Assert.Equal(firstRevoked!.ExpiresAt, next);
        Assert.Contains(next.ToString("yyyy-MM-dd"), problem.GetProperty("detail").GetString());
        Assert.NotEmpty((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=81"))!);
        Assert.Equal("active", (await server.Admin.GetFromJsonAsync<CalView>($"/api/admin/cals/{ids[2]}"))!.Status);

        // Both revoked CALs were issued on day 0 for 60 days: on day 60 both leave the revoked state.
        await server.AdvanceAsync("58d23h");
        Assert.Equal(0, (await server.Admin.GetFromJsonAsync<RevocationView[]>("/api/admin/revocation?version=2022"))![0].RevocableNow);
        await server.AdvanceAsync("1h");
        Assert.Equal(2, (await server.Admin.GetFromJsonAsync<RevocationView[]>("/api/admin/revocation?version=2022"))![0].RevocableNow);
    }

    [Fact]
    public async Task A_revoked_device_starts_again_with_a_temporary_cal()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var host = new HostClient(await server.EnrollHostAsync());
        var id = await PermanentCalAsync(host, "hw-1");
        (await server.Admin.PostAsync($"/api/admin/cals/{id}/revoke", null)).EnsureSuccessStatusCode();

        var next = await host.ConnectDeviceAsync("hw-1");

        Assert.Equal("temporary-issued", next.Outcome);
    }

    [Fact]
    public async Task Per_user_and_temporary_cals_cannot_be_revoked()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 5);
        var host = new HostClient(await server.EnrollHostAsync());
        var user = await host.ConnectUserAsync("ann");
        var temporary = await host.ConnectDeviceAsync("hw-1");

        foreach (var (id, text) in new[] { (user.Cal!.Id, "Per User"), (temporary.Cal!.Id, "Temporary") })
        {
            var response = await server.Admin.PostAsync($"/api/admin/cals/{id}/revoke", null);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.EndsWith("/cal-not-revocable", problem.GetProperty("type").GetString());
            Assert.Contains(text, problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task The_revocation_view_shows_how_many_can_be_revoked_before_trying()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 101);
        var views = await server.Admin.GetFromJsonAsync<RevocationView[]>("/api/admin/revocation?version=2022");
        var view = Assert.Single(views!);
        Assert.Equal(20, view.Limit);
        Assert.Equal(20, view.RevocableNow);
    }
}
