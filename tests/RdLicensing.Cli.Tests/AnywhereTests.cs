using System.Diagnostics;
using System.Text.Json;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

/// <summary>rdlic run from another folder finds its services: through RDLIC_HOME, or the per-user file `rdlic up` writes.</summary>
public sealed class AnywhereTests
{
    [Fact]
    public async Task From_another_folder_rdlic_finds_the_services_through_RDLIC_HOME_or_the_per_user_file()
    {
        await using var server = await TestLicenseServer.StartAsync();
        using var data = new TempDirectory();
        using var elsewhere = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(data.Path, "rdlic.json"), JsonSerializer.Serialize(new { server = server.BaseAddress.ToString().TrimEnd('/') }));
        Directory.CreateDirectory(Path.Combine(data.Path, "license-server"));
        await File.WriteAllTextAsync(Path.Combine(data.Path, "license-server", "admin.token"), server.AdminToken);
        var userFile = Path.Combine(elsewhere.Path, "config", "cli.json");

        // Without either, the folder has no ./data: rdlic looks at the default address, where this server is not.
        var lost = await RunElsewhereAsync(elsewhere.Path, new() { ["RDLIC_CLI_CONFIG"] = userFile }, "server", "status", "--json");
        Assert.DoesNotContain(server.ProductId, lost.Stdout);

        var home = await RunElsewhereAsync(elsewhere.Path, new() { ["RDLIC_HOME"] = data.Path, ["RDLIC_CLI_CONFIG"] = userFile }, "server", "status", "--json");
        Assert.True(home.ExitCode == 0, home.ToString());
        Assert.Equal(server.ProductId, JsonDocument.Parse(home.Stdout).RootElement.GetProperty("productId").GetString());

        Directory.CreateDirectory(Path.GetDirectoryName(userFile)!);
        await File.WriteAllTextAsync(userFile, JsonSerializer.Serialize(new { data = data.Path }));
        var recorded = await RunElsewhereAsync(elsewhere.Path, new() { ["RDLIC_CLI_CONFIG"] = userFile }, "server", "status", "--json");
        Assert.True(recorded.ExitCode == 0, recorded.ToString());
        Assert.Equal(server.ProductId, JsonDocument.Parse(recorded.Stdout).RootElement.GetProperty("productId").GetString());
    }

    /// <summary>Runs the built rdlic as a process in <paramref name="folder"/>, with only the given rdlic variables set.</summary>
    private static async Task<CliResult> RunElsewhereAsync(string folder, Dictionary<string, string> variables, params string[] args)
    {
        var dll = typeof(RdlicApp).Assembly.Location;
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var name in new[] { "RDLIC_SERVER", "RDLIC_TOKEN", "RDLIC_HOME", "RDLIC_CLI_CONFIG", "XDG_CONFIG_HOME" }) info.Environment.Remove(name);
        foreach (var (name, value) in variables) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
