using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>
/// How rdlic finds the session host's administrator token: --sessionhost-token, else RDLIC_SESSIONHOST_TOKEN, else
/// &lt;data&gt;/sessionhost/admin.token — the layout `rdlic up` makes, reproduced here with a test host.
/// </summary>
public sealed class CliTokenTests : IAsyncLifetime
{
    private readonly string _data = Rdlic.TemporaryDirectory("rdl-cli-data-");
    private TestSessionHost _host = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        _host = await TestSessionHost.StartAsync(clock: null, dataDirectory: Path.Combine(_data, "sessionhost"));
        _host.KeepDataDirectory = true;
        // What `rdlic up` writes, so --data alone finds the host.
        await File.WriteAllTextAsync(Path.Combine(_data, "rdlic.json"), $$"""{"sessionhost": "{{_host.HostUrl}}"}""");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Status_finds_the_host_and_its_token_in_the_data_directory()
    {
        var status = await Rdlic.OkAsync("sessionhost", "status", "--data", _data);
        Assert.Contains($"rdsh-01 ({_host.HostUrl})", status);
        Assert.Contains("Licensing mode", status);

        Assert.Contains("Licensing Diagnoser: session host rdsh-01", await Rdlic.OkAsync("diagnose", "--data", _data));
        Assert.Contains("No sessions are open.", await Rdlic.OkAsync("sessionhost", "sessions", "--data", _data));
        Assert.DoesNotContain(_host.AdminToken, status);
    }

    [Fact]
    public async Task A_wrong_token_is_one_line_and_exit_1_and_never_printed()
    {
        var wrong = "rdsa_" + new string('A', 43);
        var refused = await Rdlic.RunAsync("sessionhost", "status", "--data", _data, "--sessionhost-token", wrong);

        var line = Rdlic.OneErrorLine(refused, 1);
        Assert.Contains("refused the administrator token from --sessionhost-token", line); // the option wins over the file
        Assert.Contains(Path.GetFullPath(Path.Combine(_data, "sessionhost", "admin.token")), line);
        Assert.DoesNotContain(wrong, refused.ToString());
        Assert.DoesNotContain(_host.AdminToken, refused.ToString());
        Assert.Equal("", refused.Stdout);
    }

    [Fact]
    public async Task Without_a_token_administration_says_where_it_looked_while_a_device_connects_without_one()
    {
        var empty = Rdlic.TemporaryDirectory("rdl-cli-empty-");
        var missing = await Rdlic.RunAsync("sessionhost", "config", "get", "--host", _host.HostUrl, "--data", empty);
        var line = Rdlic.OneErrorLine(missing, 1);
        Assert.Contains("no session host administrator token", line);
        Assert.Contains("--sessionhost-token, else RDLIC_SESSIONHOST_TOKEN, else", line);

        var clientData = Rdlic.TemporaryDirectory("rdl-cli-client-");
        try
        {
            var connected = await Rdlic.RunAsync("connect", "--device", "pc-1", "--host", _host.HostUrl, "--data", empty, "--client-data", clientData, "--keep", "--json");
            Assert.True(connected.ExitCode == 0, connected.ToString());
            var id = System.Text.Json.JsonDocument.Parse(connected.Stdout).RootElement.GetProperty("connection").GetProperty("sessionId").GetString()!;
            Assert.Contains($"Session {id} of pc-1 ended.", await Rdlic.OkAsync("disconnect", id, "--host", _host.HostUrl, "--data", empty));
        }
        finally
        {
            if (Directory.Exists(clientData)) Directory.Delete(clientData, recursive: true);
        }
    }
}
