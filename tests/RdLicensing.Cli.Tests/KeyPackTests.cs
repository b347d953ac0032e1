using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

public sealed class KeyPackTests : IAsyncLifetime
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
    public async Task Install_then_list_shows_the_pack_with_total_and_available()
    {
        var id = Guid.NewGuid();
        var file = await WriteAsync("pack.json", _server.Authority.SignKeyPack(_server.ProductId, ProductVersion.WindowsServer2022, CalType.PerDevice, 25,
            LicenseProgram.Open, id: id));

        var installed = await Rdlic.OkAsync(_server, "keypacks", "install", "--file", file);
        var list = await Rdlic.OkAsync(_server, "keypacks", "list");

        Assert.StartsWith("The licenses have been successfully installed.", installed);
        Assert.Contains(id.ToString("D"), installed);
        Assert.Contains("License Version and Type", list);
        var row = Assert.Single(list.Split('\n'), l => l.Contains(id.ToString("D")));
        Assert.Matches(@"Windows Server 2022 - RDS Per Device CAL\s*│\s*Open License\s*│\s*25\s*│\s*25\s*│\s*0\s*│\s*Never\s*│", row);
    }

    [Fact]
    public async Task A_tampered_file_is_rejected_with_one_line_and_nothing_changes()
    {
        await _server.InstallAsync(ProductVersion.WindowsServer2025, CalType.PerUser, 5);
        var before = await Rdlic.OkAsync(_server, "keypacks", "list");
        var signed = _server.Authority.SignKeyPack(_server.ProductId, ProductVersion.WindowsServer2025, CalType.PerUser, 10);
        Assert.Contains("\"quantity\": \"10\"", signed);
        var file = await WriteAsync("tampered.json", signed.Replace("\"quantity\": \"10\"", "\"quantity\": \"90\""));

        var result = await Rdlic.RunAsync(_server, "keypacks", "install", "--file", file);

        var line = Rdlic.OneErrorLine(result, 1);
        Assert.Contains("signature", line, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await Rdlic.OkAsync(_server, "keypacks", "list"));
    }

    [Fact]
    public async Task Installing_the_same_pack_twice_is_one_line_exit_1()
    {
        var file = await WriteAsync("pack.json", _server.Authority.SignKeyPack(_server.ProductId, ProductVersion.WindowsServer2025, CalType.PerDevice, 5));
        await Rdlic.OkAsync(_server, "keypacks", "install", "--file", file);

        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync(_server, "keypacks", "install", "--file", file), 1);

        Assert.Contains("already installed", line);
    }

    [Fact]
    public async Task Activation_with_a_license_server_id_shows_in_status()
    {
        var code = _server.Authority.IssueLicenseServerId(_server.ProductId, DateTimeOffset.UtcNow.AddYears(3));

        var activated = await Rdlic.OkAsync(_server, "server", "activate", "--license-server-id", code.ToLowerInvariant());
        var status = await Rdlic.OkAsync(_server, "server", "status");

        Assert.StartsWith($"The license server is activated: License Server ID {code}", activated);
        Assert.Contains($"activated: License Server ID {code}", status.Replace("\n", ""));
    }

    [Fact]
    public async Task Status_shows_the_pools()
    {
        await _server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 7);

        var status = await Rdlic.OkAsync(_server, "server", "status");

        Assert.Matches(@"Per User\s*│\s*Windows Server 2022\s*│\s*7\s*│\s*0\s*│\s*7\s*│", status);
        Assert.Contains("OverUsed Per User CALs: 0", status);
    }

    private async Task<string> WriteAsync(string name, string content)
    {
        var path = _files.File(name);
        await File.WriteAllTextAsync(path, content);
        return path;
    }
}
