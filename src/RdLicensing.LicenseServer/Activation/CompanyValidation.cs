using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Activation;

/// <summary>A field of a request that is wrong, named as in the JSON body, and what to do.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>
/// The Activate Server wizard's company information: first name, last name, company and country/region are
/// required (activation fails if one is empty); e-mail, organizational unit, address, city, state/province
/// and postal code are optional.
/// </summary>
public static class CompanyValidation
{
    public const int MaxLength = 128;

    /// <summary>Trimmed, empty values as null; or the first field that is missing or wrong.</summary>
    public static (CompanyInformation? Company, FieldError? Error) Check(CompanyInformation? company, string prefix = "company.")
    {
        if (company is null)
            return (null, new FieldError(prefix.TrimEnd('.'), "company information is required: firstName, lastName, company and countryRegion."));
        var c = new CompanyInformation(Clean(company.FirstName), Clean(company.LastName), Clean(company.Company), Clean(company.CountryRegion),
            Clean(company.Email), Clean(company.OrganizationalUnit), Clean(company.Address), Clean(company.City), Clean(company.StateProvince),
            Clean(company.PostalCode));
        var required = new (string Name, string Label, string? Value)[]
        {
            ("firstName", "First name", c.FirstName), ("lastName", "Last name", c.LastName),
            ("company", "Company", c.Company), ("countryRegion", "Country/Region", c.CountryRegion),
        };
        foreach (var (name, label, value) in required)
            if (value is null) return (null, new FieldError(prefix + name, $"{label} is required company information for activation."));
        var all = new (string Name, string? Value)[]
        {
            ("firstName", c.FirstName), ("lastName", c.LastName), ("company", c.Company), ("countryRegion", c.CountryRegion), ("email", c.Email),
            ("organizationalUnit", c.OrganizationalUnit), ("address", c.Address), ("city", c.City), ("stateProvince", c.StateProvince), ("postalCode", c.PostalCode),
        };
        foreach (var (name, value) in all)
            if (TextError(value) is { } error) return (null, new FieldError(prefix + name, $"{prefix + name} {error}."));
        if (c.Email is { } email && (email.IndexOf('@') is < 1 || email.EndsWith('@')))
            return (null, new FieldError(prefix + "email", $"{prefix}email must be an e-mail address like name@example.com."));
        return (c, null);
    }

    /// <summary>Reactivation and deactivation need only the first and last name.</summary>
    public static FieldError? CheckNames(string? firstName, string? lastName)
    {
        if (Clean(firstName) is not { } first) return new FieldError("firstName", "First name is required.");
        if (Clean(lastName) is not { } last) return new FieldError("lastName", "Last name is required.");
        return TextError(first) is { } e1 ? new FieldError("firstName", $"firstName {e1}.")
            : TextError(last) is { } e2 ? new FieldError("lastName", $"lastName {e2}.")
            : null;
    }

    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? TextError(string? value) =>
        value is null ? null
        : value.Length > MaxLength ? $"is longer than {MaxLength} characters"
        : value.Any(char.IsControl) ? "must be one line of text"
        : null;
}
