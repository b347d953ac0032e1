namespace RdLicensing.Cli.Tests;

/// <summary>A wrong command line prints one clear line on stderr and exits 2, without contacting any server.</summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("rdlic: unrecognized option '--frobnicate' (see rdlic cals list --help)", "cals", "list", "--frobnicate")]
    [InlineData("rdlic: --type must be per-device or per-user", "cals", "list", "--type", "bogus")]
    [InlineData("rdlic: --status must be one of temporary, active, upgraded, revoked, expired", "cals", "list", "--status", "gone")]
    [InlineData("rdlic: --version must be one of 2008r2, 2012, 2012r2, 2016, 2019, 2022, 2025", "cals", "revocable", "--version", "2000")]
    [InlineData("rdlic: DURATION must be like 91d, 2w, 12h or 1d12h (at most 3650d), not 'soon'", "clock", "advance", "soon")]
    [InlineData("rdlic: missing ID (see rdlic cals revoke --help)", "cals", "revoke")]
    [InlineData("rdlic: ID must be a CAL id number, not 'abc'", "cals", "revoke", "abc")]
    [InlineData("rdlic: --level must be one of information, warning, error", "events", "--level", "loud")]
    [InlineData("rdlic: --limit must be a whole number from 1 to 10000", "events", "--limit", "0")]
    [InlineData("rdlic: --page-size must be a whole number from 1 to 1000", "cals", "list", "--page-size", "5000")]
    [InlineData("rdlic: --security-group must be on or off", "policies", "set", "--security-group", "maybe")]
    [InlineData("rdlic: policies set needs --security-group on|off and/or --prevent-upgrade on|off", "policies", "set")]
    [InlineData("rdlic: --type needs a value (see rdlic cals list --help)", "cals", "list", "--type")]
    [InlineData("rdlic: --out FILE.csv is required (see rdlic report download --help)", "report", "download", "abc")]
    [InlineData("rdlic: cals needs a command: list, revoke, revocable (see rdlic cals --help)", "cals")]
    [InlineData("rdlic: unknown command 'bogus' (see rdlic cals --help)", "cals", "bogus")]
    [InlineData("rdlic: unexpected argument 'extra' (see rdlic keypacks list --help)", "keypacks", "list", "extra")]
    [InlineData("rdlic: --clock must be real or simulated", "up", "--clock", "fast")]
    [InlineData("rdlic: --port must be a whole number from 0 to 65535", "up", "--port", "70000")]
    [InlineData("rdlic: --type must be cal-usage", "report", "create", "--type", "monthly")]
    [InlineData("rdlic: --rdp-security must be one of negotiate, rdp, tls", "sessionhost", "run", "--rdp-port", "0", "--rdp-security", "nla")]
    [InlineData("rdlic: --rdp-address, --rdp-security and --desktop configure the RDP endpoint: add --rdp-port PORT to run it.", "sessionhost", "run", "--rdp-security", "tls")]
    [InlineData("rdlic: --rdp-address, --rdp-security and --desktop configure the RDP endpoint: add --rdp-port PORT to run it.", "sessionhost", "run", "--desktop", "rdp://127.0.0.1:3389")]
    [InlineData("rdlic: --desktop '127.0.0.1:3389' is not an RDP address: write rdp://HOST:PORT (e.g. rdp://127.0.0.1:3389)", "sessionhost", "run", "--rdp-port", "0", "--desktop", "127.0.0.1:3389")]
    [InlineData("rdlic: --desktop 'rdp://10.0.0.5' names no port: write rdp://HOST:PORT (e.g. rdp://10.0.0.5:3389)", "up", "--desktop", "rdp://10.0.0.5")]
    // Did you mean: the closest command, option or choice by edit distance, when one is close enough.
    [InlineData("rdlic: unknown command 'lisences'; did you mean 'licenses'? (see rdlic --help)", "lisences")]
    [InlineData("rdlic: unknown command 'revok'; did you mean 'revoke'? (see rdlic cals --help)", "cals", "revok")]
    [InlineData("rdlic: unknown command 'tset'; did you mean 'test'? (see rdlic alerts --help)", "alerts", "tset")]
    [InlineData("rdlic: unrecognized option '--jsno'; did you mean '--json'? (see rdlic cals list --help)", "cals", "list", "--jsno")]
    [InlineData("rdlic: --program must be one of retail, open, select, enterprise, campus, school, spla, other; did you mean 'enterprise'?", "licenses", "install", "--program", "enterprize")]
    [InlineData("rdlic: --type must be per-device or per-user; did you mean 'per-user'?", "cals", "list", "--type", "per-usr")]
    [InlineData("rdlic: --version must be one of 2008r2, 2012, 2012r2, 2016, 2019, 2022, 2025; did you mean '2022'?", "cals", "revocable", "--version", "2202")]
    public async Task Wrong_arguments_print_one_line_and_exit_2(string expected, params string[] args)
    {
        var result = await Rdlic.RunAsync(["--server", "http://127.0.0.1:1", .. args]);

        Assert.Equal(expected, Rdlic.OneErrorLine(result, 2));
    }

    [Fact]
    public async Task A_missing_file_is_one_line_and_exit_2()
    {
        var missing = Path.Combine(Path.GetTempPath(), "rdl-missing-" + Guid.NewGuid().ToString("N"), "pack.json");

        var result = await Rdlic.RunAsync("keypacks", "install", "--file", missing, "--server", "http://127.0.0.1:1");

        Assert.Equal($"rdlic: --file: file '{missing}' does not exist", Rdlic.OneErrorLine(result, 2));
    }

    [Fact]
    public async Task A_server_address_that_is_not_a_url_is_a_usage_error()
    {
        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync("server", "status", "--server", "not-a-url"), 2);

        Assert.Contains("not an http:// or https:// URL", line);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("cals", "list", "--help")]
    [InlineData("hosts", "group", "add", "-h")]
    [InlineData("cals", "list", "--type", "bogus", "--help")]
    public async Task Help_works_everywhere(params string[] args)
    {
        var result = await Rdlic.RunAsync(args);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Help_lists_the_global_options_on_subcommands()
    {
        var help = (await Rdlic.RunAsync("cals", "list", "--help")).Stdout;

        Assert.Contains("rdlic cals list [options]", help);
        Assert.Contains("--server <URL>", help);
        Assert.Contains("--token <TOKEN>", help);
        Assert.Contains("--data <DIR>", help);
        Assert.Contains("--type <per-device|per-user>", help);
    }
}
