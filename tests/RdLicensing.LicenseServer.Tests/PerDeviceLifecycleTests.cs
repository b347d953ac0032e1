using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

public sealed class PerDeviceLifecycleTests
{
    private static async Task<(TestLicenseServer Server, HostClient Host)> ActivatedServerAsync(int perDeviceCals = 10, int validityDays = 60)
    {
        var server = await TestLicenseServer.StartAsync(validity: new FixedValidity(validityDays));
        await server.ActivateAsync();
        if (perDeviceCals > 0) await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, perDeviceCals);
        return (server, new HostClient(await server.EnrollHostAsync()));
    }

    [Fact]
    public async Task First_connection_gets_a_temporary_cal_the_sign_in_validates_it_and_the_next_connection_upgrades_it()
    {
        var (server, host) = await ActivatedServerAsync();
        await using var _ = server;

        var first = await host.ConnectDeviceAsync("hw-1");
        Assert.Equal("temporary-issued", first.Outcome);
        Assert.True(first.Licensed);
        Assert.Equal("temporary", first.Cal!.Status);
        Assert.False(first.Cal.Validated);
        Assert.Equal(90, Math.Round((first.Cal.ExpiresAt - first.Cal.IssuedAt).TotalDays));
        Assert.NotNull(first.License);

        var beforeSignIn = await host.ConnectDeviceAsync("hw-1");
        Assert.Equal("temporary-kept", beforeSignIn.Outcome);
        Assert.Contains("not been validated", beforeSignIn.Message);

        var signIn = await host.SignInAsync("hw-1");
        Assert.True(signIn.Validated);

        var upgraded = await host.ConnectDeviceAsync("hw-1");
        Assert.Equal("permanent-issued", upgraded.Outcome);
        Assert.Equal("active", upgraded.Cal!.Status);
        Assert.False(upgraded.Cal.Temporary);
        Assert.Equal(60, Math.Round((upgraded.Cal.ExpiresAt - upgraded.Cal.IssuedAt).TotalDays));
        Assert.NotNull(upgraded.License);

        var again = await host.ConnectDeviceAsync("hw-1");
        Assert.Equal("valid", again.Outcome);
        Assert.Null(again.License);

        var old = await server.Admin.GetFromJsonAsync<CalView>($"/api/admin/cals/{first.Cal.Id}");
        Assert.Equal("upgraded", old!.Status);
        var events = await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=82");
        Assert.Single(events!);
        var packs = await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks");
        Assert.Equal(1, packs![0].Issued);
        Assert.Equal(9, packs[0].Available);
    }

    [Theory]
    [InlineData("89d", true)]
    [InlineData("89d23h59m", true)]
    [InlineData("90d", false)]
    [InlineData("91d", false)]
    public async Task A_temporary_cal_that_cannot_be_upgraded_works_until_its_90_days_end(string age, bool licensed)
    {
        var (server, host) = await ActivatedServerAsync(perDeviceCals: 0);
        await using var _ = server;
        await host.ConnectDeviceAsync("hw-1");
        await host.SignInAsync("hw-1");

        await server.AdvanceAsync(age);
        var later = await host.ConnectDeviceAsync("hw-1");

        Assert.Equal(licensed, later.Licensed);
        if (licensed)
        {
            Assert.Equal("temporary-kept", later.Outcome);
            Assert.Contains("no compatible Per Device CALs are installed", later.Message);
        }
        else
        {
            Assert.Equal("refused", later.Outcome);
            Assert.Equal("0x102", later.Refusal!.Code);
            Assert.Contains("expired", later.Refusal.Message);
        }
    }

    [Fact]
    public async Task A_temporary_cal_that_was_never_validated_is_not_upgraded()
    {
        var (server, host) = await ActivatedServerAsync();
        await using var _ = server;
        await host.ConnectDeviceAsync("hw-1");
        for (var i = 0; i < 3; i++)
            Assert.Equal("temporary-kept", (await host.ConnectDeviceAsync("hw-1")).Outcome);
        var packs = await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks");
        Assert.Equal(0, packs![0].Issued);
    }

    [Theory]
    [InlineData("52d", "valid")]        // 8 days before expiry
    [InlineData("52d23h59m", "valid")]  // just over 7 days
    [InlineData("53d", "renewed")]      // exactly 7 days before expiry
    [InlineData("59d", "renewed")]      // 1 day before expiry
    public async Task A_permanent_cal_presented_within_7_days_of_expiry_is_renewed(string age, string outcome)
    {
        var (server, host) = await ActivatedServerAsync(validityDays: 60);
        await using var _ = server;
        await host.ConnectDeviceAsync("hw-1");
        await host.SignInAsync("hw-1");
        var permanent = await host.ConnectDeviceAsync("hw-1");

        await server.AdvanceAsync(age);
        var later = await host.ConnectDeviceAsync("hw-1");

        Assert.Equal(outcome, later.Outcome);
        if (outcome == "renewed")
        {
            Assert.Equal(permanent.Cal!.Id, later.Cal!.Id);
            Assert.True(later.Cal.ExpiresAt > permanent.Cal.ExpiresAt);
            Assert.NotNull(later.License);
            var packs = await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks");
            Assert.Equal(1, packs![0].Issued);
        }
    }

    [Fact]
    public async Task An_unrenewed_permanent_cal_returns_its_license_to_the_pool_when_it_expires()
    {
        var (server, host) = await ActivatedServerAsync(perDeviceCals: 1, validityDays: 52);
        await using var _ = server;
        await host.ConnectDeviceAsync("hw-1");
        await host.SignInAsync("hw-1");
        Assert.Equal("permanent-issued", (await host.ConnectDeviceAsync("hw-1")).Outcome);

        await server.AdvanceAsync("52d");

        var packs = await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks");
        Assert.Equal(0, packs![0].Issued);
        var expired = await server.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?status=expired&type=per-device");
        Assert.Single(expired!.Items, c => !c.Temporary);
    }

    [Fact]
    public async Task A_not_activated_server_issues_only_temporary_cals_and_logs_event_18()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var host = new HostClient(await server.EnrollHostAsync());

        await host.ConnectDeviceAsync("hw-1");
        await host.SignInAsync("hw-1");
        var next = await host.ConnectDeviceAsync("hw-1");

        Assert.Equal("temporary-kept", next.Outcome);
        Assert.Contains("not activated", next.Message);
        var events = await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=18");
        Assert.NotEmpty(events!);
        var status = await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status");
        Assert.Equal("not-activated", status!.Activation.Status);
    }

    [Fact]
    public async Task An_exhausted_pool_keeps_the_temporary_and_logs_event_21()
    {
        var (server, host) = await ActivatedServerAsync(perDeviceCals: 1);
        await using var _ = server;
        foreach (var hw in new[] { "hw-1", "hw-2" })
        {
            await host.ConnectDeviceAsync(hw);
            await host.SignInAsync(hw);
        }
        Assert.Equal("permanent-issued", (await host.ConnectDeviceAsync("hw-1")).Outcome);
        var second = await host.ConnectDeviceAsync("hw-2");

        Assert.Equal("temporary-kept", second.Outcome);
        Assert.NotEmpty((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=21"))!);
        Assert.NotEmpty((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=20"))!);
    }

    [Theory]
    [InlineData(false, "permanent-issued", "2025")]
    [InlineData(true, "temporary-kept", null)]
    public async Task Prevent_license_upgrade_decides_whether_a_newer_cal_is_issued(bool prevent, string outcome, string? version)
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        (await server.Admin.PutAsJsonAsync("/api/admin/policies", new PoliciesUpdate(null, prevent))).EnsureSuccessStatusCode();
        var host = new HostClient(await server.EnrollHostAsync(), hostVersion: "2022");

        await host.ConnectDeviceAsync("hw-1");
        await host.SignInAsync("hw-1");
        var next = await host.ConnectDeviceAsync("hw-1");

        Assert.Equal(outcome, next.Outcome);
        if (version is not null) Assert.Equal(version, next.Cal!.Version);
        else Assert.Contains("prevent license upgrade", next.Message);
    }

    [Theory]
    [InlineData("2019", "2022", true)]
    [InlineData("2022", "2022", true)]
    [InlineData("2025", "2022", false)]
    [InlineData("2016", "2025", true)]
    public async Task A_host_gets_a_permanent_cal_only_of_its_version_or_newer(string hostVersion, string calVersion, bool permanent)
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersions.Parse(calVersion), CalType.PerDevice, 5);
        var host = new HostClient(await server.EnrollHostAsync(), hostVersion);

        await host.ConnectDeviceAsync("hw-1");
        await host.SignInAsync("hw-1");
        var next = await host.ConnectDeviceAsync("hw-1");

        Assert.Equal(permanent ? "permanent-issued" : "temporary-kept", next.Outcome);
    }
}
