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

    [Fact]
    public async Task A_shared_directory_like_tmp_is_refused_and_left_as_it_is()
    {
        if (OperatingSystem.IsWindows()) return; // Unix modes
        var shared = Directory.CreateTempSubdirectory("rdl-ch-shared-").FullName;
        var sharedMode = (UnixFileMode)0b1_111_111_111; // 1777, as /tmp
        File.SetUnixFileMode(shared, sharedMode);
        try
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TestClearinghouse.StartAsync(configure: o => o.DataDirectory = shared));

            Assert.Contains("is a shared directory (mode 1777): give the service a directory of its own", refused.Message);
            Assert.Equal(sharedMode, File.GetUnixFileMode(shared));
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }
    }
}
