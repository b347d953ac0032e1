using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

public sealed class PropertiesTests : IAsyncLifetime
{
    private TestLicenseServer _server = null!;

    public async Task InitializeAsync() => _server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1/");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static CompanyInformation Contoso(string? country = "Netherlands") => new("Ada", "Lovelace", "Contoso", country, Email: "ada@contoso.example", City: "Delft");

    [Fact]
    public async Task Defaults_are_the_automatic_method_and_no_company_information()
    {
        var properties = await _server.Admin.GetFromJsonAsync<PropertiesView>("/api/admin/properties");

        Assert.Equal("automatic", properties!.ConnectionMethod);
        Assert.Null(properties.Company.Company);
        Assert.Equal("http://127.0.0.1:1/", properties.ClearinghouseUrl);
    }

    [Fact]
    public async Task Saved_properties_come_back_with_the_telephone_number_and_an_event()
    {
        var saved = await ProblemAssert.OkAsync<PropertiesView>(await _server.Admin.PutAsJsonAsync("/api/admin/properties",
            new PropertiesBody("Telephone", null, Contoso() with { FirstName = "  Ada " })));

        Assert.Equal("telephone", saved.ConnectionMethod);
        Assert.Equal("Netherlands", saved.CountryRegion);
        Assert.Equal("+31 800 000 0555", saved.TelephoneNumber);
        Assert.Equal("Ada", saved.Company.FirstName);
        Assert.Equal(saved, await _server.Admin.GetFromJsonAsync<PropertiesView>("/api/admin/properties"));
        var events = await _server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5041");
        Assert.Contains("connection method telephone", Assert.Single(events!).Message);
    }

    [Theory]
    [InlineData("carrier-pigeon", "connectionMethod", "'carrier-pigeon' is not a connection method")]
    [InlineData(null, "connectionMethod", "connectionMethod is required")]
    public async Task An_unknown_method_is_named(string? method, string field, string detail)
    {
        var problem = await ProblemAssert.IsAsync(await _server.Admin.PutAsJsonAsync("/api/admin/properties", new PropertiesBody(method, null, Contoso())),
            HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal(field, problem.Field());
        Assert.Contains(detail, problem.Detail());
    }

    [Fact]
    public async Task The_telephone_method_needs_a_country_with_a_number()
    {
        var problem = await ProblemAssert.IsAsync(await _server.Admin.PutAsJsonAsync("/api/admin/properties",
            new PropertiesBody("telephone", null, Contoso("Atlantis"))), HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal("company.countryRegion", problem.Field());
        Assert.Contains("'Atlantis' has none", problem.Detail());
        Assert.Contains("United Kingdom", problem.Detail());
    }

    [Fact]
    public async Task A_country_without_a_telephone_number_is_fine_for_the_automatic_method()
    {
        var saved = await ProblemAssert.OkAsync<PropertiesView>(await _server.Admin.PutAsJsonAsync("/api/admin/properties",
            new PropertiesBody("automatic", null, Contoso("Atlantis"))));

        Assert.Equal("Atlantis", saved.Company.CountryRegion);
        Assert.Null(saved.TelephoneNumber);
    }

    [Theory]
    [InlineData("firstName")]
    [InlineData("lastName")]
    [InlineData("company")]
    [InlineData("countryRegion")]
    public async Task Each_required_company_field_is_named_and_nothing_is_saved(string missing)
    {
        var c = Contoso();
        var company = missing switch
        {
            "firstName" => c with { FirstName = " " },
            "lastName" => c with { LastName = null },
            "company" => c with { Company = "" },
            _ => c with { CountryRegion = null },
        };

        var problem = await ProblemAssert.IsAsync(await _server.Admin.PutAsJsonAsync("/api/admin/properties", new PropertiesBody("web", null, company)),
            HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal("company." + missing, problem.Field());
        Assert.Null((await _server.Admin.GetFromJsonAsync<PropertiesView>("/api/admin/properties"))!.Company.Company);
    }

    [Fact]
    public async Task A_bad_email_is_named()
    {
        var problem = await ProblemAssert.IsAsync(await _server.Admin.PutAsJsonAsync("/api/admin/properties",
            new PropertiesBody("web", null, Contoso() with { Email = "nobody" })), HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal("company.email", problem.Field());
    }

    [Fact]
    public async Task Properties_need_the_administrator()
    {
        using var anonymous = _server.NewClient(null);

        var response = await anonymous.GetAsync("/api/admin/properties");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
