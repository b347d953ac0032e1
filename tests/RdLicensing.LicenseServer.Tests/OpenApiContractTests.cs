using System.Text.Json;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// The license server's and the clearinghouse's OpenAPI documents: their ProblemDetails answers, the bearer scheme, the
/// enums and the file downloads, and each compared with its checked-in copy under docs/openapi so a change is deliberate.
/// </summary>
public sealed class OpenApiContractTests
{
    [Fact]
    public async Task The_license_server_document_describes_problems_the_bearer_scheme_enums_and_downloads()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");
        using var anonymous = server.NewClient(null);
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;

        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        var install = root.GetProperty("paths").GetProperty("/api/admin/keypacks").GetProperty("post");
        Assert.Equal(JsonValueKind.Array, install.GetProperty("security").ValueKind);
        foreach (var status in new[] { "400", "401", "403", "409", "413", "429" })
            Assert.True(install.GetProperty("responses").GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _), status);
        var health = root.GetProperty("paths").GetProperty("/health").GetProperty("get");
        Assert.False(health.TryGetProperty("security", out _)); // anonymous: no scheme, no 401
        Assert.False(health.GetProperty("responses").TryGetProperty("401", out _));
        var calType = root.GetProperty("components").GetProperty("schemas").GetProperty("CalRequestBody").GetProperty("properties").GetProperty("calType");
        Assert.Contains("per-user", calType.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        var csv = root.GetProperty("paths").GetProperty("/api/admin/reports/{id}/csv").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(csv.TryGetProperty("text/csv", out _));
        var backup = root.GetProperty("paths").GetProperty("/api/admin/backup").GetProperty("post").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(backup.TryGetProperty("application/octet-stream", out _));
    }

    [Fact]
    public async Task The_license_server_document_matches_its_checked_in_copy()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");
        using var anonymous = server.NewClient(null);
        await OpenApiSnapshot.AssertMatchesAsync(anonymous, "license-server", "RdLicensing.LicenseServer.Tests");
    }

    [Fact]
    public async Task The_clearinghouse_document_matches_its_checked_in_copy()
    {
        await using var clearinghouse = await TestClearinghouse.StartAsync();
        using var http = new HttpClient { BaseAddress = clearinghouse.BaseAddress };
        await OpenApiSnapshot.AssertMatchesAsync(http, "clearinghouse", "RdLicensing.LicenseServer.Tests");
    }
}
