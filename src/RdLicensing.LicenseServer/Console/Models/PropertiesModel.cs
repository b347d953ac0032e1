using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Console.Components.Wizards;

namespace RdLicensing.LicenseServer.Console.Models;

/// <summary>What the Properties form posts: the connection method, the telephone's country or region, the company information.</summary>
public sealed class PropertiesForm
{
    public string? Method { get; set; }
    public string? Country { get; set; }
    public CompanyForm? Company { get; set; }
}

/// <summary>The Properties page's logic that needs no call: the form as the server has it, its checks, what is saved.</summary>
public static class PropertiesModel
{
    /// <summary>The form showing what the license server has now.</summary>
    public static PropertiesForm From(PropertiesView properties) => new()
    {
        Method = properties.ConnectionMethod,
        Country = properties.CountryRegion,
        Company = CompanyForm.From(properties.Company),
    };

    /// <summary>Every wrong field at once, keyed by field (Method, Country, a company field); empty when the form can be saved.</summary>
    public static Dictionary<string, string> Check(PropertiesForm form)
    {
        var errors = (form.Company ?? new CompanyForm()).Check(CompanyForm.All);
        if (MethodChoice.Check(form.Method, form.Country) is { } methodError) errors[methodError.Key] = methodError.Value;
        return errors;
    }

    /// <summary>What PUT /api/admin/properties is sent: the country only for the telephone.</summary>
    public static PropertiesBody Body(PropertiesForm form) =>
        new(form.Method, MethodChoice.CountryFor(form.Method, form.Country), (form.Company ?? new CompanyForm()).ToCompany());

    /// <summary>The summary above the form when fields need correcting.</summary>
    public static string NotSaved(int wrongFields) =>
        $"The properties were not saved: {(wrongFields == 1 ? "one field needs" : $"{wrongFields} fields need")} correcting.";
}
