namespace RdLicensing.Cli.Tests;

/// <summary>Finding the server and its token, and saying clearly when that fails.</summary>
public sealed class ConnectionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task An_unreachable_server_is_one_line_saying_how_to_start_one()
    {
        var result = await Rdlic.RunAsync("server", "status", "--server", "http://127.0.0.1:1", "--token", "rdla_x");

        var line = Rdlic.OneErrorLine(result, 1);
        Assert.StartsWith("rdlic: cannot reach the license server at http://127.0.0.1:1 (", line);
        Assert.EndsWith("). Start it with './rdlic up' or pass --server.", line);
    }

    [Fact]
    public async Task A_wrong_token_is_one_line_about_the_token()
    {
        var result = await Rdlic.RunAsync("keypacks", "list", "--server", fixture.Server.BaseAddress.ToString(), "--token", "rdla_wrong");

        var line = Rdlic.OneErrorLine(result, 1);
        Assert.Contains("refused the administrator token from --token", line);
        Assert.Contains("RDLIC_TOKEN", line);
        Assert.Contains("admin.token", line);
    }

    [Fact]
    public async Task No_token_at_all_says_where_it_is_looked_up()
    {
        var empty = Path.Combine(Path.GetTempPath(), "rdl-empty-" + Guid.NewGuid().ToString("N")[..8]);

        var result = await Rdlic.RunAsync("keypacks", "list", "--server", fixture.Server.BaseAddress.ToString(), "--data", empty);

        var line = Rdlic.OneErrorLine(result, 1);
        Assert.StartsWith("rdlic: no license server administrator token:", line);
        Assert.Contains(Path.Combine(empty, "license-server", "admin.token"), line);
    }

    [Fact]
    public async Task The_server_and_token_are_found_in_the_data_directory()
    {
        var data = Path.Combine(Path.GetTempPath(), "rdl-data-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(data, "license-server"));
        try
        {
            await File.WriteAllTextAsync(Path.Combine(data, "rdlic.json"), $$"""{"server": "{{fixture.Server.BaseAddress}}"}""");
            await File.WriteAllTextAsync(Path.Combine(data, "license-server", "admin.token"), fixture.Server.AdminToken + "\n");

            var result = await Rdlic.RunAsync("server", "status", "--data", data);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains(fixture.Server.ProductId, result.Stdout);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_session_host_token_is_refused_with_the_servers_reason()
    {
        var host = await fixture.Server.EnrollHostAsync("rdsh-token-test");
        var token = host.DefaultRequestHeaders.Authorization!.Parameter!;

        var result = await Rdlic.RunAsync("keypacks", "list", "--server", fixture.Server.BaseAddress.ToString(), "--token", token);

        Assert.Contains("use the administrator token", Rdlic.OneErrorLine(result, 1));
    }
}
