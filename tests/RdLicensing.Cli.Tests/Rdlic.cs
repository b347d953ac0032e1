using RdLicensing.Cli;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

/// <summary>What a user of rdlic sees: the exit code, stdout and stderr.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs rdlic in-process, exactly as the rdlic wrapper would, with the output captured.</summary>
public static class Rdlic
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await RdlicApp.RunAsync(args, stdout, stderr);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a command against a test server, passing its address and administrator token.</summary>
    public static Task<CliResult> RunAsync(TestLicenseServer server, params string[] args) =>
        RunAsync([.. args, "--server", server.BaseAddress.ToString(), "--token", server.AdminToken]);

    /// <summary>Asserts the command succeeded and returns its stdout.</summary>
    public static async Task<string> OkAsync(TestLicenseServer server, params string[] args)
    {
        var result = await RunAsync(server, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        return result.Stdout;
    }

    /// <summary>Asserts the command failed with exactly one line on stderr and returns that line.</summary>
    public static string OneErrorLine(CliResult result, int exitCode)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("rdlic: ", line);
        Assert.Equal("", result.Stdout);
        return line;
    }
}

/// <summary>One license server shared by the tests of a class whose state does not interfere.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestLicenseServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestLicenseServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
