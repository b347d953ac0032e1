using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

public sealed class ReportsAndDocsTests
{
    [Fact]
    public async Task A_cal_usage_report_is_created_listed_downloaded_as_csv_and_deleted()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 1);
        var host = new HostClient(await server.EnrollHostAsync());
        await host.ConnectUserAsync("ann");
        await host.ConnectUserAsync("=cmd|calc"); // OverUsed, and a name a spreadsheet would run as a formula
        await host.ConnectDeviceAsync("hw-1");

        var created = await server.Admin.PostAsJsonAsync("/api/admin/reports", new ReportCreateBody("cal-usage"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var report = (await created.Content.ReadFromJsonAsync<ReportView>())!;
        Assert.Contains("Per User CALs installed: 1, issued: 1, OverUsed: 1", report.Summary); // issued as the CSV's Issued column counts, OverUsed apart

        var listed = await server.Admin.GetFromJsonAsync<ReportView[]>("/api/admin/reports");
        Assert.Equal(report.Id, Assert.Single(listed!).Id);

        var csvResponse = await server.Admin.GetAsync($"/api/admin/reports/{report.Id}/csv");
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var lines = (await csvResponse.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal("Report,CAL Usage", lines[0]);
        Assert.Contains("RDS Per User CAL,Windows Server 2022,1,1,0,0,1,0", lines);
        Assert.Contains(lines, l => l.Contains(",ann,"));
        Assert.Contains(lines, l => l.Contains(",'=cmd|calc,"));
        Assert.Contains(lines, l => l.Contains(",temporary,") && l.Contains("PC-hw-1"));

        Assert.Equal(HttpStatusCode.NoContent, (await server.Admin.DeleteAsync($"/api/admin/reports/{report.Id}")).StatusCode);
        Assert.Empty((await server.Admin.GetFromJsonAsync<ReportView[]>("/api/admin/reports"))!);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Admin.GetAsync($"/api/admin/reports/{report.Id}/csv")).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_session_host_and_admin_calls()
    {
        await using var server = await TestLicenseServer.StartAsync();
        using var anonymous = server.NewClient(null);
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/sessionhost/cals", out _));
        Assert.True(paths.TryGetProperty("/api/admin/keypacks", out _));
        Assert.True(paths.TryGetProperty("/api/admin/cals/{id}/revoke", out _));
    }

    [Fact]
    public async Task Status_shows_the_simulated_clock_and_it_survives_a_restart()
    {
        var data = Path.Combine(Path.GetTempPath(), "rdl-restart-" + Guid.NewGuid().ToString("N")[..8]);
        using var authority = new TestKeyAuthority();
        string productId;
        DateTimeOffset advancedTo;
        await using (var server = await TestLicenseServer.StartAsync(dataDirectory: data, authority: authority))
        {
            server.KeepDataDirectory = true;
            productId = server.ProductId;
            await server.AdvanceAsync("120d");
            var status = await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status");
            Assert.Equal("simulated", status!.Clock.Mode);
            Assert.Contains(status.Warnings, w => w.Contains("simulated"));
            advancedTo = status.Clock.Now;
            Assert.True(advancedTo > DateTimeOffset.UtcNow.AddDays(119));
        }
        await using var restarted = await TestLicenseServer.StartAsync(dataDirectory: data, authority: authority);
        Assert.Equal(productId, restarted.ProductId);
        var clock = await restarted.Admin.GetFromJsonAsync<ClockView>("/api/admin/clock");
        Assert.True(clock!.Now >= advancedTo);
    }
}
