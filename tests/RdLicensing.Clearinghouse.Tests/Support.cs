using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Signing;
using RdLicensing.Testing;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>What the tests do again and again against a real clearinghouse.</summary>
internal static class Support
{
    public static CompanyInformation Company { get; } = new("Ada", "Lovelace", "Analytical Engines Ltd", "United Kingdom", Email: "ada@example.org");

    /// <summary>A Product ID as a real license server derives it from its key.</summary>
    public static string NewProductId() => SignedClearinghouseCalls.NewIdentity().ProductId;

    /// <summary>
    /// The License Server ID with one character of group <paramref name="group"/> (1-based) mistyped. The check
    /// character is 5 bits, so one change in 32 still passes: pick a change the check catches, so the test is not flaky.
    /// </summary>
    public static string MistypeLicenseServerId(string code, int group)
    {
        var groups = code.Split('-');
        foreach (var c in Core.Codes.GroupedCode.Alphabet.Where(c => c != groups[group - 1][0]))
        {
            groups[group - 1] = c + groups[group - 1][1..];
            var typed = string.Join('-', groups);
            try { Core.Codes.LicenseServerIdCode.CheckTyping(typed); }
            catch (Core.Codes.CodeFormatException e) when (e.Group == group) { return typed; }
        }
        throw new InvalidOperationException("no mistyping of that group is caught");
    }

    /// <summary>A retail code with its first character changed so that its check characters no longer match.</summary>
    public static string MistypeRetailCode(string code) =>
        Core.Codes.GroupedCode.Alphabet.Where(c => c != code[0]).Select(c => c + code[1..])
            .First(typed => !Core.Codes.LicenseIdentifiers.TryParseRetailCode(typed, out _, out _));

    public static ClearinghouseCertificate Certificate(this TestClearinghouse ch) => ClearinghouseCertificate.FromPem(File.ReadAllText(ch.CertificatePath));

    public static async Task<ActivationResponse> ActivateAsync(this TestClearinghouse ch, string productId, string method = "automatic")
    {
        var response = await ch.Public.PostAsServerAsync("/api/activations", new ActivationRequestBody(productId, method, Company));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ActivationResponse>())!;
    }

    /// <summary>A new Product ID, activated: (Product ID, License Server ID).</summary>
    public static async Task<(string ProductId, string LicenseServerId)> NewActivatedServerAsync(this TestClearinghouse ch)
    {
        var productId = NewProductId();
        return (productId, (await ch.ActivateAsync(productId)).LicenseServerId);
    }

    public static async Task<List<ActivationRecordView>> ActivationsAsync(this TestClearinghouse ch) =>
        (await ch.Admin.GetFromJsonAsync<List<ActivationRecordView>>("/api/admin/activations"))!;

    public static async Task<HttpResponseMessage> InstallAsync(this TestClearinghouse ch, LicenseInstallRequestBody body) =>
        await ch.Public.PostAsServerAsync("/api/licenses", body);

    public static async Task<GrantedKeyPack> GrantedAsync(this HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<GrantedKeyPack>())!;
    }

    public sealed record Problem(int Status, string Type, string Detail, string? Field, int? Group, JsonElement Body);

    public static async Task<Problem> ProblemAsync(this HttpResponseMessage response, int expectedStatus)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        return new Problem((int)response.StatusCode, body.GetProperty("type").GetString()!, body.GetProperty("detail").GetString()!,
            body.TryGetProperty("field", out var f) ? f.GetString() : null,
            body.TryGetProperty("group", out var g) && g.ValueKind == JsonValueKind.Number ? g.GetInt32() : null, body);
    }

    public static string Slug(string slug) => "https://rdlicensing.dev/problems/" + slug;
}
