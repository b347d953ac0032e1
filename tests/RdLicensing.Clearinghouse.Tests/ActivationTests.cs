using System.Net.Http.Json;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Signing;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

public sealed class ActivationTests
{
    [Fact]
    public async Task Activation_returns_a_license_server_id_that_verifies_against_the_exported_certificate()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var productId = NewProductId();

        var activation = await ch.ActivateAsync(productId);

        var certificate = LicenseServerIdCode.Verify(activation.LicenseServerId, ch.Certificate(), productId);
        Assert.Equal(productId, activation.ProductId);
        Assert.Equal(activation.LicenseServerId, certificate.LicenseServerId);
        Assert.True(activation.ExpiresAt - activation.IssuedAt >= TimeSpan.FromDays(729));
        Assert.Throws<SignedDocumentException>(() => LicenseServerIdCode.Verify(activation.LicenseServerId, ch.Certificate(), NewProductId()));
    }

    [Theory]
    [InlineData("firstName", "First name")]
    [InlineData("lastName", "Last name")]
    [InlineData("company", "Company")]
    [InlineData("countryRegion", "Country/Region")]
    public async Task Each_missing_required_company_field_is_named(string field, string label)
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var company = field switch
        {
            "firstName" => Company with { FirstName = " " },
            "lastName" => Company with { LastName = null },
            "company" => Company with { Company = "" },
            _ => Company with { CountryRegion = null },
        };

        var response = await ch.Public.PostAsServerAsync("/api/activations", new ActivationRequestBody(NewProductId(), "web", company));

        var problem = await response.ProblemAsync(400);
        Assert.Equal(Slug("activation-missing-information"), problem.Type);
        Assert.Equal("company." + field, problem.Field);
        Assert.Equal($"{label} is required to activate", problem.Detail);
    }

    [Theory]
    [InlineData("1234-67890-12345-67890", "productId")]
    [InlineData(null, "productId")]
    public async Task A_malformed_product_id_is_named(string? productId, string field)
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var response = await ch.Public.PostSignedAsync("/api/activations", new ActivationRequestBody(productId, "web", Company), SignedClearinghouseCalls.NewIdentity());
        Assert.Equal(field, (await response.ProblemAsync(400)).Field);
    }

    [Fact]
    public async Task An_unknown_method_is_named()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var response = await ch.Public.PostAsServerAsync("/api/activations", new ActivationRequestBody(NewProductId(), "carrier-pigeon", Company));
        Assert.Equal("method", (await response.ProblemAsync(400)).Field);
    }

    [Fact]
    public async Task Reactivation_needs_only_the_names_and_a_valid_reason_and_supersedes_the_earlier_activation()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var productId = NewProductId();
        var first = await ch.ActivateAsync(productId);
        var namesOnly = new CompanyInformation("Ada", "Lovelace", null, null);

        var badReason = await ch.Public.PostAsServerAsync("/api/activations", new ActivationRequestBody(productId, "automatic", namesOnly, "bored"));
        Assert.Equal("reason", (await badReason.ProblemAsync(400)).Field);
        var noName = await ch.Public.PostAsServerAsync("/api/activations",
            new ActivationRequestBody(productId, "automatic", namesOnly with { LastName = null }, "redeployed"));
        Assert.Equal("Last name is required to reactivate", (await noName.ProblemAsync(400)).Detail);

        // A key-compromised reactivation must bring the new key (KeyRotationTests); "expired" keeps it.
        var noNewKey = await ch.Public.PostAsServerAsync("/api/activations", new ActivationRequestBody(productId, "automatic", namesOnly, "key-compromised"));
        Assert.Equal("newKey", (await noNewKey.ProblemAsync(400)).Field);
        var response = await ch.Public.PostAsServerAsync("/api/activations", new ActivationRequestBody(productId, "automatic", namesOnly, "expired"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var second = (await response.Content.ReadFromJsonAsync<ActivationResponse>())!;
        Assert.NotEqual(first.LicenseServerId, second.LicenseServerId);
        LicenseServerIdCode.Verify(second.LicenseServerId, ch.Certificate(), productId);

        var records = (await ch.Admin.GetFromJsonAsync<List<ActivationRecordView>>("/api/admin/activations"))!;
        Assert.Equal("active", records.Single(r => r.LicenseServerId == second.LicenseServerId).Status);
        Assert.Equal("superseded", records.Single(r => r.LicenseServerId == first.LicenseServerId).Status);
        var reactivation = records.Single(r => r.LicenseServerId == second.LicenseServerId);
        Assert.Equal("expired", reactivation.Reason);
        Assert.Equal("Analytical Engines Ltd", reactivation.Company.Company); // kept from the activation
    }

    [Fact]
    public async Task Deactivation_needs_the_current_license_server_id()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var (_, otherCode) = await ch.NewActivatedServerAsync();

        var wrong = await ch.Public.PostAsServerAsync("/api/activations/deactivate", new DeactivationRequestBody(productId, otherCode, "Ada", "Lovelace"));
        var problem = await wrong.ProblemAsync(422);
        Assert.Equal("licenseServerId", problem.Field);
        var noName = await ch.Public.PostAsServerAsync("/api/activations/deactivate", new DeactivationRequestBody(productId, licenseServerId, "Ada", ""));
        Assert.Equal("lastName", (await noName.ProblemAsync(400)).Field);

        // Typed as people type it: lower case, spaces instead of hyphens.
        var typed = licenseServerId.Replace('-', ' ').ToLowerInvariant();
        var right = await ch.Public.PostAsServerAsync("/api/activations/deactivate", new DeactivationRequestBody(productId, typed, "Ada", "Lovelace"));
        Assert.True(right.IsSuccessStatusCode, await right.Content.ReadAsStringAsync());
        var records = (await ch.Admin.GetFromJsonAsync<List<ActivationRecordView>>("/api/admin/activations"))!;
        Assert.Equal("deactivated", records.Single(r => r.ProductId == productId).Status);

        var again = await ch.Public.PostAsServerAsync("/api/activations/deactivate", new DeactivationRequestBody(productId, licenseServerId, "Ada", "Lovelace"));
        Assert.Equal(Slug("not-activated"), (await again.ProblemAsync(409)).Type);
    }

    [Fact]
    public async Task The_telephone_directory_lists_countries_and_numbers()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var entries = (await ch.Public.GetFromJsonAsync<List<Core.Activation.TelephoneDirectory.Entry>>("/api/telephone"))!;
        Assert.Contains(entries, e => e.CountryRegion == "United Kingdom" && e.Number.StartsWith("+44", StringComparison.Ordinal));
    }
}
