using System.Text.Json;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

public sealed class PropertiesCommandTests : IAsyncLifetime
{
    private TestLicenseServer _server = null!;

    public async Task InitializeAsync() => _server = await TestLicenseServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Set_then_show_prints_the_properties()
    {
        var set = await Rdlic.OkAsync(_server, "server", "properties", "set", "--method", "web", "--first-name", "Ada", "--last-name", "Lovelace",
            "--company", "Contoso", "--country", "Ireland", "--email", "ada@contoso.example", "--city", "Cork");
        var shown = await Rdlic.OkAsync(_server, "server", "properties");
        using var json = JsonDocument.Parse(await Rdlic.OkAsync(_server, "server", "properties", "--json"));

        Assert.StartsWith("The license server properties were saved.", set);
        Assert.Contains("Connection method    web browser", shown);
        Assert.Contains("Company              Contoso", shown);
        Assert.Contains("E-mail               ada@contoso.example", shown);
        Assert.Contains("Address              Cork", shown);
        Assert.Equal("web", json.RootElement.GetProperty("connectionMethod").GetString());
        Assert.Equal("Lovelace", json.RootElement.GetProperty("company").GetProperty("lastName").GetString());
    }

    [Fact]
    public async Task The_server_refuses_a_telephone_country_without_a_number()
    {
        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync(_server, "server", "properties", "set", "--method", "telephone", "--first-name", "Ada",
            "--last-name", "Lovelace", "--company", "Contoso", "--country", "Atlantis"), 1);

        Assert.Contains("'Atlantis' has none", line);
    }

    [Fact]
    public async Task Every_required_option_is_required()
    {
        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync(_server, "server", "properties", "set", "--method", "web", "--first-name", "Ada",
            "--company", "Contoso", "--country", "Ireland"), 2);

        Assert.Equal("rdlic: --last-name NAME is required (see rdlic server properties set --help)", line);
    }
}
