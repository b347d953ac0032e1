using System.Net;
using RdLicensing.Testing;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>The clearinghouse's data directory (signing key, admin token, database) is owner-only: created 0700, tightened when found open.</summary>
public sealed class DataDirectoryTests
{
    [Fact]
    public async Task A_data_directory_open_to_others_is_tightened_to_0700_at_start()
    {
        if (OperatingSystem.IsWindows()) return; // Unix modes
        var directory = Directory.CreateTempSubdirectory("rdl-ch-open-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101); // 0755
        try
        {
            await using (var ch = await TestClearinghouse.StartAsync(configure: o => o.DataDirectory = directory))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
                Assert.Equal(HttpStatusCode.OK, (await ch.Admin.GetAsync("/api/admin/codes")).StatusCode);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "admin.token")));
            }
            var created = Path.Combine(Path.GetTempPath(), "rdl-ch-new-" + Guid.NewGuid().ToString("N")[..8], "clearinghouse");
            await using (await TestClearinghouse.StartAsync(configure: o => o.DataDirectory = created))
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(created));
            Directory.Delete(Path.GetDirectoryName(created)!, recursive: true);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
