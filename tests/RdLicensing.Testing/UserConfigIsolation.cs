namespace RdLicensing.Testing;

/// <summary>
/// `rdlic up` records its data directory in the per-user file, and commands given no token fall back to it: in tests, a file of
/// this test run's own (RDLIC_CLI_CONFIG), never the machine user's ~/.config/rdlicensing/cli.json — a developer's own
/// `rdlic up` would otherwise hand its tokens to every test that runs rdlic without one.
/// </summary>
public static class UserConfigIsolation
{
    /// <summary>Called before the first in-process rdlic (<see cref="Rdlic"/>'s static constructor, the Cli tests' module initializer).</summary>
    public static void UseOwnFile()
    {
        if (Environment.GetEnvironmentVariable("RDLIC_CLI_CONFIG") is null)
            Environment.SetEnvironmentVariable("RDLIC_CLI_CONFIG",
                Path.Combine(Path.GetTempPath(), "rdl-cli-config-" + Guid.NewGuid().ToString("N")[..12], "cli.json"));
    }
}
