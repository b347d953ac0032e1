using RdLicensing.LicenseServer.Console.Models;
using static RdLicensing.LicenseServer.Tests.ConsoleWizardTestData;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>The Properties page's logic (issue 15): the form as the server has it, every wrong field named, what is saved.</summary>
public sealed class PropertiesModelTests
{
    [Fact]
    public void The_form_shows_the_servers_properties_and_saves_them_unchanged()
    {
        var form = PropertiesModel.From(Properties("telephone", "Canada"));
        Assert.Empty(PropertiesModel.Check(form));
        var body = PropertiesModel.Body(form);
        Assert.Equal(("telephone", "Canada", "Contoso", "ada@contoso.example"), (body.ConnectionMethod, body.CountryRegion, body.Company!.Company, body.Company.Email));
        // The country is sent for the telephone only.
        form.Method = "web";
        Assert.Null(PropertiesModel.Body(form).CountryRegion);
    }

    [Fact]
    public void Every_wrong_field_is_named_at_once_and_nothing_is_saved()
    {
        var form = PropertiesModel.From(Properties());
        form.Method = "carrier-pigeon";
        form.Company!.Company = " ";
        form.Company.Email = "nobody";
        var errors = PropertiesModel.Check(form);
        Assert.Equal(["Company", "Email", "Method"], errors.Keys.Order());
        Assert.Equal("The properties were not saved: 3 fields need correcting.", PropertiesModel.NotSaved(errors.Count));
        Assert.Equal("The properties were not saved: one field needs correcting.", PropertiesModel.NotSaved(1));

        form = PropertiesModel.From(Properties("telephone", "Atlantis"));
        Assert.Equal(["Country"], PropertiesModel.Check(form).Keys);
    }
}
