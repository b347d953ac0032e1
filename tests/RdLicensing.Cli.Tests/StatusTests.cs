using System.Text.Json;

namespace RdLicensing.Cli.Tests;

public sealed class StatusTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RdLicensing.Testing.TestLicenseServer Server => fixture.Server;

    [Fact]
    public async Task Status_shows_the_product_id_and_not_activated()
    {
        var output = await Rdlic.OkAsync(Server, "server", "status");

        Assert.Contains(Server.ProductId, output);
        Assert.Contains("not activated", output);
        Assert.Contains("SIMULATED", output);
        Assert.Contains("Warning: The license server is not activated", output);
    }

    [Theory]
    [InlineData("server", "status")]
    [InlineData("keypacks", "list")]
    [InlineData("cals", "list")]
    [InlineData("cals", "revocable")]
    [InlineData("report", "list")]
    [InlineData("events")]
    [InlineData("clock", "show")]
    [InlineData("hosts", "list")]
    [InlineData("policies", "show")]
    public async Task Json_output_is_the_servers_json_and_nothing_else(params string[] command)
    {
        var output = await Rdlic.OkAsync(Server, [.. command, "--json"]);

        using var document = JsonDocument.Parse(output);
        Assert.Contains(document.RootElement.ValueKind, new[] { JsonValueKind.Object, JsonValueKind.Array });
    }

    [Fact]
    public async Task Status_json_has_the_wire_fields()
    {
        using var document = JsonDocument.Parse(await Rdlic.OkAsync(Server, "server", "status", "--json"));

        Assert.Equal(Server.ProductId, document.RootElement.GetProperty("productId").GetString());
        Assert.Equal("not-activated", document.RootElement.GetProperty("activation").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Events_show_the_servers_start()
    {
        var output = await Rdlic.OkAsync(Server, "events", "--id", "1");

        Assert.Contains("ServiceStarted", output);
        Assert.Contains(Server.ProductId, output);
    }
}
