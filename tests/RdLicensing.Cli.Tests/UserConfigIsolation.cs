using System.Runtime.CompilerServices;

namespace RdLicensing.Cli.Tests;

internal static class UserConfigIsolation
{
    /// <summary>
    /// `rdlic up` records its data directory in the per-user file: in these tests, a file of this test run's own
    /// (RDLIC_CLI_CONFIG), never the machine user's ~/.config/rdlicensing/cli.json.
    /// </summary>
    [ModuleInitializer]
    internal static void UseOwnFile()
    {
        if (Environment.GetEnvironmentVariable("RDLIC_CLI_CONFIG") is null)
            Environment.SetEnvironmentVariable("RDLIC_CLI_CONFIG",
                Path.Combine(Path.GetTempPath(), "rdl-cli-config-" + Guid.NewGuid().ToString("N")[..12], "cli.json"));
    }
}
