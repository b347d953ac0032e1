using RdLicensing.Cli;
using Xunit;

namespace RdLicensing.Testing;

/// <summary>What a user of rdlic sees: the exit code, stdout and stderr.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs rdlic in-process, exactly as the rdlic wrapper would, with the output captured.</summary>
public static class Rdlic
{
    static Rdlic() => UserConfigIsolation.UseOwnFile();

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await RdlicApp.RunAsync(args, stdout, stderr);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a command against a test license server, passing its address and administrator token.</summary>
    public static Task<CliResult> RunAsync(TestLicenseServer server, params string[] args) =>
        RunAsync([.. args, "--server", server.BaseAddress.ToString(), "--token", server.AdminToken]);

    /// <summary>Asserts the command succeeded with nothing on stderr and returns its stdout.</summary>
    public static async Task<string> OkAsync(params string[] args) => Ok(await RunAsync(args));

    public static async Task<string> OkAsync(TestLicenseServer server, params string[] args) => Ok(await RunAsync(server, args));

    /// <summary>Runs a command that must fail and returns its one error line.</summary>
    public static async Task<string> FailsAsync(TestLicenseServer server, int exitCode, params string[] args) =>
        OneErrorLine(await RunAsync(server, args), exitCode);

    /// <summary>Asserts the command failed with exactly one line on stderr, nothing on stdout, and returns that line.</summary>
    public static string OneErrorLine(CliResult result, int exitCode)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("rdlic: ", line);
        Assert.Equal("", result.Stdout);
        return line;
    }

    public static string TemporaryDirectory(string prefix) => Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..10]);

    private static string Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        return result.Stdout;
    }
}
