using RdLicensing.Cli;
using RdLicensing.Testing;

namespace RdLicensing.EndToEnd;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs rdlic in-process against a license server, as an administrator would type it.</summary>
internal static class Rdlic
{
    public static async Task<CliResult> RunAsync(TestLicenseServer server, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await RdlicApp.RunAsync([.. args, "--server", server.BaseAddress.ToString(), "--token", server.AdminToken], stdout, stderr);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await RdlicApp.RunAsync(args, stdout, stderr);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    public static async Task<string> OkAsync(TestLicenseServer server, params string[] args)
    {
        var result = await RunAsync(server, args);
        Assert.True(result.ExitCode == 0 && result.Stderr == "", result.ToString());
        return result.Stdout;
    }

    /// <summary>The one error line of a failed command (exit code as given).</summary>
    public static async Task<string> FailsAsync(TestLicenseServer server, int exitCode, params string[] args)
    {
        var result = await RunAsync(server, args);
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("rdlic: ", line);
        return line;
    }
}
