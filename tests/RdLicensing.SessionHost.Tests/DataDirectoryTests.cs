using System.Net;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>The session host's data directory (enrollment tokens, admin token) is owner-only: tightened to 0700 when found open.</summary>
public sealed class DataDirectoryTests
{
    [Fact]
    public async Task A_data_directory_open_to_others_is_tightened_to_0700_at_start()
    {
        if (OperatingSystem.IsWindows()) return; // Unix modes
        var directory = Directory.CreateTempSubdirectory("rdl-sh-open-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101); // 0755

        await using var host = await TestSessionHost.StartAsync(clock: null, dataDirectory: directory);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.GetAsync("/api/status")).StatusCode);
    }
}
