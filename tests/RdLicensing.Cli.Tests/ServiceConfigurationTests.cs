using System.Diagnostics;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

/// <summary>
/// One configuration per service: defaults, the JSON file (&lt;data&gt;/rdlicensing.json or --config), RDLIC_Section__Key
/// variables, flags — flags over variables over the file. A bad value stops the service before it starts, in one line
/// naming the key as the user set it.
/// </summary>
public sealed class ServiceConfigurationTests
{
    [Fact]
    public async Task A_bad_flag_value_stops_the_server_at_start_in_one_line_naming_the_flag()
    {
        var data = Rdlic.TemporaryDirectory("rdl-cfg-");
        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync("--data", data, "server", "run", "--urls", "ftp://127.0.0.1:5080"), 2);
        Assert.Equal("rdlic: --urls: must be http:// or https:// addresses with a port, separated by ';' (e.g. http://127.0.0.1:5080); correct it or remove it", line);
        Assert.False(File.Exists(Path.Combine(data, "license-server", "licensing.db"))); // refused before anything was created
    }

    [Fact]
    public async Task A_bad_value_in_the_file_names_the_key_and_the_file()
    {
        var data = Directory.CreateTempSubdirectory("rdl-cfg-").FullName;
        var file = Path.Combine(data, "rdlicensing.json");
        await File.WriteAllTextAsync(file, """{"LicenseServer": {"RateLimits": {"AdminBurst": 0}}}""");
        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync("--data", data, "server", "run", "--urls", "http://127.0.0.1:0"), 2);
        Assert.Equal($"rdlic: LicenseServer:RateLimits:AdminBurst in {file}: must be a whole number of at least 1", line);

        // The same file through --config, for the session host: a value that is not even a number.
        var other = Path.Combine(data, "host.json");
        await File.WriteAllTextAsync(other, """{"SessionHost": {"Rdp": {"Port": "three"}}}""");
        line = Rdlic.OneErrorLine(await Rdlic.RunAsync("sessionhost", "run", "--config", other, "--data-dir", Path.Combine(data, "sh")), 2);
        Assert.StartsWith($"rdlic: SessionHost:Rdp:Port in {other}: ", line);
        Assert.Contains("whole number", line);

    }

    [Fact]
    public async Task The_session_hosts_license_server_timeout_comes_from_its_configuration_and_a_value_out_of_range_is_one_line()
    {
        var data = Directory.CreateTempSubdirectory("rdl-cfg-").FullName;
        var file = Path.Combine(data, "host.json");
        Dictionary<string, string?> defaults = new() { ["SessionHost:DataDirectory"] = Path.Combine(data, "sh"), ["SessionHost:Urls"] = "http://127.0.0.1:0" };
        (SessionHost.SessionHostOptions Host, SessionHost.Rdp.RdpEndpointOptions?) Load(string? config) =>
            SessionHost.Configuration.SessionHostSettings.Load(ServiceDefaults.Configuration.ServiceConfiguration.Build(
                config, Path.Combine(data, "none.json"), defaults, [], new System.Collections.Hashtable()));

        Assert.Equal(TimeSpan.FromSeconds(10), Load(null).Host.LicenseServerTimeout); // the default
        await File.WriteAllTextAsync(file, """{"SessionHost": {"LicenseServerTimeout": "00:00:30"}}""");
        Assert.Equal(TimeSpan.FromSeconds(30), Load(file).Host.LicenseServerTimeout);

        foreach (var (value, problem) in new[]
                 {
                     ("00:10:00", "must be a duration from 00:00:01 to 00:05:00 (how long to wait for one license server before trying the next)"),
                     ("00:00:00", "must be a duration from 00:00:01 to 00:05:00 (how long to wait for one license server before trying the next)"),
                     ("soon", "'soon' is not a duration (hh:mm:ss); correct it or remove it."),
                 })
        {
            await File.WriteAllTextAsync(file, "{\"SessionHost\": {\"LicenseServerTimeout\": \"" + value + "\"}}");
            var line = Rdlic.OneErrorLine(await Rdlic.RunAsync("sessionhost", "run", "--config", file, "--data-dir", Path.Combine(data, "sh")), 2);
            Assert.Equal($"rdlic: SessionHost:LicenseServerTimeout in {file}: {problem}", line);
        }
    }

    [Fact]
    public async Task A_missing_or_malformed_config_file_is_one_line()
    {
        var data = Directory.CreateTempSubdirectory("rdl-cfg-").FullName;
        var missing = Path.Combine(data, "nothing.json");
        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync("clearinghouse", "run", "--config", missing), 2);
        Assert.StartsWith($"rdlic: --config {missing}: no such file", line);

        var malformed = Path.Combine(data, "broken.json");
        await File.WriteAllTextAsync(malformed, """{"Clearinghouse": {"Urls": """);
        line = Rdlic.OneErrorLine(await Rdlic.RunAsync("clearinghouse", "run", "--config", malformed), 2);
        Assert.StartsWith($"rdlic: {malformed} is not valid JSON", line);
    }

    [Fact]
    public async Task A_bad_environment_variable_stops_the_process_in_one_line_and_variables_override_the_file()
    {
        var data = Directory.CreateTempSubdirectory("rdl-cfg-").FullName;
        await File.WriteAllTextAsync(Path.Combine(data, "rdlicensing.json"), """{"LicenseServer": {"Version": "1999"}}""");

        var refused = await RunProcessAsync(data, ("RDLIC_LicenseServer__Version", "2099"), stopAt: null);
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("rdlic: RDLIC_LicenseServer__Version (environment): must be one of 2008r2, 2012, 2012r2, 2016, 2019, 2022, 2025",
            Assert.Single(refused.ErrorLines));

        // Positive control: a good variable overrides the file's bad value and the server starts as that version.
        var started = await RunProcessAsync(data, ("RDLIC_LicenseServer__Version", "2019"), stopAt: "Version");
        Assert.Contains("Windows Server 2019", started.Stdout);
    }

    [Fact]
    public async Task A_flag_overrides_the_variable_and_the_file()
    {
        var data = Directory.CreateTempSubdirectory("rdl-cfg-").FullName;
        await File.WriteAllTextAsync(Path.Combine(data, "rdlicensing.json"), """{"LicenseServer": {"Version": "1999"}}""");
        var started = await RunProcessAsync(data, ("RDLIC_LicenseServer__Version", "2099"), stopAt: "Version", "--version", "2016");
        Assert.Contains("Windows Server 2016", started.Stdout);
    }

    /// <summary>`rdlic --data DATA server run` as its own process with one more variable; stopped once stdout shows <paramref name="stopAt"/>.</summary>
    private static async Task<CliResult> RunProcessAsync(string data, (string Name, string Value) variable, string? stopAt, params string[] more)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[typeof(RdlicApp).Assembly.Location, "--data", data, "server", "run", "--urls", "http://127.0.0.1:0", .. more])
            info.ArgumentList.Add(argument);
        info.Environment[variable.Name] = variable.Value;
        info.Environment.Remove("RDLIC_DB");
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new System.Text.StringBuilder();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            stdout.AppendLine(line);
            if (stopAt is not null && line.Contains(stopAt))
            {
                process.Kill(entireProcessTree: true);
                break;
            }
        }
        await process.WaitForExitAsync(deadline.Token);
        return new CliResult(process.ExitCode, stdout.ToString(), await stderr);
    }
}
