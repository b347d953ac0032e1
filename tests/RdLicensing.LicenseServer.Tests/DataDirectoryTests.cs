using System.Net;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>The license server's data directory (identity key, admin token, database) is owner-only: tightened to 0700 when found open.</summary>
public sealed class DataDirectoryTests
{
    [Fact]
    public async Task A_data_directory_open_to_others_is_tightened_to_0700_at_start()
    {
        if (OperatingSystem.IsWindows()) return; // Unix modes
        var directory = Directory.CreateTempSubdirectory("rdl-ls-open-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111); // 0777

        await using var server = await TestLicenseServer.StartAsync(dataDirectory: directory);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.GetAsync("/api/admin/status")).StatusCode);
    }
}
