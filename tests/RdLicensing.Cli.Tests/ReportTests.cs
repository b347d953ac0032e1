using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

public sealed class ReportTests : IAsyncLifetime
{
    private TestLicenseServer _server = null!;
    private readonly TempDirectory _files = new();

    public async Task InitializeAsync() => _server = await TestLicenseServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task Create_with_out_writes_the_servers_csv()
    {
        await _server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 3);
        var csv = _files.File("usage.csv");

        var output = await Rdlic.OkAsync(_server, "report", "create", "--out", csv);

        var report = (await _server.Admin.GetFromJsonAsync<List<ReportView>>("/api/admin/reports"))!.Single();
        Assert.Contains($"Created CAL Usage report {report.Id}: Per User CALs installed: 3", output);
        Assert.Contains($"Saved it as {csv}.", output);
        var lines = await File.ReadAllLinesAsync(csv);
        Assert.Equal("Report,CAL Usage", lines[0]);
        Assert.StartsWith("Created,", lines[1]);
        Assert.Equal($"Scope,License server {_server.ProductId}", lines[2]);
        Assert.Contains("CAL Type,Product Version,Installed,Issued,Available,Temporary,OverUsed,Revoked", lines);
        Assert.Contains("RDS Per User CAL,Windows Server 2022,3,0,3,0,0,0", lines);
        Assert.Equal(await _server.Admin.GetByteArrayAsync($"/api/admin/reports/{report.Id}/csv"), await File.ReadAllBytesAsync(csv));
    }

    [Fact]
    public async Task Report_files_are_written_owner_only_even_over_a_file_open_to_others()
    {
        if (OperatingSystem.IsWindows()) return; // Unix modes
        await Rdlic.OkAsync(_server, "report", "create");
        var report = (await _server.Admin.GetFromJsonAsync<List<ReportView>>("/api/admin/reports"))!.Single();
        var fresh = _files.File("fresh.csv");
        var existing = _files.File("existing.csv");
        await File.WriteAllTextAsync(existing, "old");
        File.SetUnixFileMode(existing, (UnixFileMode)0b110_100_100); // 0644

        await Rdlic.OkAsync(_server, "report", "download", report.Id, "--out", fresh);
        await Rdlic.OkAsync(_server, "report", "download", report.Id, "--out", existing);
        var created = _files.File("created.csv");
        await Rdlic.OkAsync(_server, "report", "create", "--out", created);

        foreach (var file in new[] { fresh, existing, created })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.StartsWith("Report,CAL Usage", await File.ReadAllTextAsync(file));
        }
    }

    [Fact]
    public async Task List_download_and_delete()
    {
        await Rdlic.OkAsync(_server, "report", "create");
        var report = (await _server.Admin.GetFromJsonAsync<List<ReportView>>("/api/admin/reports"))!.Single();
        var csv = _files.File("again.csv");

        var list = await Rdlic.OkAsync(_server, "report", "list");
        var downloaded = await Rdlic.OkAsync(_server, "report", "download", report.Id, "--out", csv);
        var deleted = await Rdlic.OkAsync(_server, "report", "delete", report.Id);
        var gone = await Rdlic.RunAsync(_server, "report", "download", report.Id, "--out", csv);

        Assert.Contains(report.Id, list);
        Assert.Contains("cal-usage", list);
        Assert.Equal($"Saved report {report.Id} as {csv}.\n", downloaded);
        Assert.StartsWith("Report,CAL Usage", await File.ReadAllTextAsync(csv));
        Assert.Equal($"Deleted report {report.Id}.\n", deleted);
        Assert.Equal($"rdlic: There is no report {report.Id}. List them with 'rdlic report list'.", Rdlic.OneErrorLine(gone, 1));
    }

    [Fact]
    public async Task Create_json_prints_only_the_report()
    {
        var output = await Rdlic.OkAsync(_server, "report", "create", "--json");

        var report = System.Text.Json.JsonSerializer.Deserialize<ReportView>(output, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        Assert.Equal("cal-usage", report.Type);
    }
}
