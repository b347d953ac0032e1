using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

/// <summary>`rdlic server review`: Review Configuration on the command line.</summary>
public sealed class ReviewCommandTests
{
    [Fact]
    public async Task Review_lists_problems_first_with_their_fix_then_what_passed()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.EnrollHostAsync("rdsh-02");
        (await server.Admin.PutAsJsonAsync("/api/admin/policies", new PoliciesUpdate(true, null))).EnsureSuccessStatusCode();

        var output = await Rdlic.OkAsync(server, "server", "review");

        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var checks = lines.Where(l => l.StartsWith('[')).ToList();
        Assert.StartsWith("[error] The license server is not activated", checks[0]);
        Assert.Contains("Fix: rdlic server activate.", checks[0]);
        Assert.Contains(checks, l => l.StartsWith("[error] The license server security group policy is on and session host rdsh-02 is not in the group")
                                     && l.EndsWith("Fix: rdlic hosts group add rdsh-02 (or rdlic policies set --security-group off)."));
        Assert.StartsWith("[ok]", checks[^1]);
        Assert.Contains(lines, l => l.StartsWith("Database") && l.Contains("licensing.db ("));
    }

    [Fact]
    public async Task Review_json_is_the_api_answer()
    {
        await using var server = await TestLicenseServer.StartAsync();

        using var document = JsonDocument.Parse(await Rdlic.OkAsync(server, "server", "review", "--json"));

        Assert.Equal(server.ProductId, document.RootElement.GetProperty("productId").GetString());
        Assert.Equal("sqlite", document.RootElement.GetProperty("database").GetProperty("provider").GetString());
        Assert.True(document.RootElement.GetProperty("checks").GetArrayLength() > 0);
    }
}
