using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Activation;

namespace RdLicensing.LicenseServer.Console.Components.Wizards;

/// <summary>
/// The company information of the Activate Server wizard and the Properties dialog, as posted (Form.Company.*):
/// required (first name, last name, company, country/region) and optional. Checked here field by field so every
/// wrong field is shown at once; the rules are the server's (<see cref="CompanyValidation"/>), which checks again.
/// </summary>
public sealed class CompanyForm
{
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Company { get; set; }
    public string? CountryRegion { get; set; }
    public string? Email { get; set; }
    public string? OrganizationalUnit { get; set; }
    public string? Address { get; set; }
    public string? City { get; set; }
    public string? StateProvince { get; set; }
    public string? PostalCode { get; set; }

    public sealed record FieldInfo(string Key, string Label, bool Required, string Autocomplete, string Type = "text");

    public static IReadOnlyList<FieldInfo> Required { get; } =
    [
        new("FirstName", "First name", true, "given-name"),
        new("LastName", "Last name", true, "family-name"),
        new("Company", "Company", true, "organization"),
        new("CountryRegion", "Country or region", true, "country-name"),
    ];

    public static IReadOnlyList<FieldInfo> Optional { get; } =
    [
        new("Email", "E-mail", false, "email", "email"),
        new("OrganizationalUnit", "Organizational unit", false, "organization-title"),
        new("Address", "Company address", false, "street-address"),
        new("City", "City", false, "address-level2"),
        new("StateProvince", "State/province", false, "address-level1"),
        new("PostalCode", "Postal code", false, "postal-code"),
    ];

    public static IReadOnlyList<FieldInfo> All { get; } = [.. Required, .. Optional];

    public string? this[string key]
    {
        get => key switch
        {
            "FirstName" => FirstName, "LastName" => LastName, "Company" => Company, "CountryRegion" => CountryRegion, "Email" => Email,
            "OrganizationalUnit" => OrganizationalUnit, "Address" => Address, "City" => City, "StateProvince" => StateProvince,
            "PostalCode" => PostalCode, _ => throw new ArgumentOutOfRangeException(nameof(key)),
        };
    }

    public static CompanyForm From(CompanyInformation c) => new()
    {
        FirstName = c.FirstName, LastName = c.LastName, Company = c.Company, CountryRegion = c.CountryRegion, Email = c.Email,
        OrganizationalUnit = c.OrganizationalUnit, Address = c.Address, City = c.City, StateProvince = c.StateProvince, PostalCode = c.PostalCode,
    };

    public CompanyInformation ToCompany() => new(
        CompanyValidation.Clean(FirstName), CompanyValidation.Clean(LastName), CompanyValidation.Clean(Company), CompanyValidation.Clean(CountryRegion),
        CompanyValidation.Clean(Email), CompanyValidation.Clean(OrganizationalUnit), CompanyValidation.Clean(Address), CompanyValidation.Clean(City),
        CompanyValidation.Clean(StateProvince), CompanyValidation.Clean(PostalCode));

    /// <summary>Errors by field key (e.g. "FirstName") for <paramref name="fields"/>.</summary>
    public Dictionary<string, string> Check(IEnumerable<FieldInfo> fields, string requiredFor = "activation fails without it")
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in fields)
        {
            var value = CompanyValidation.Clean(this[f.Key]);
            if (value is null)
            {
                if (f.Required) errors[f.Key] = $"{f.Label} is required: {requiredFor}.";
            }
            else if (value.Length > CompanyValidation.MaxLength) errors[f.Key] = $"{f.Label} is longer than {CompanyValidation.MaxLength} characters.";
            else if (value.Any(char.IsControl)) errors[f.Key] = $"{f.Label} must be one line of text.";
            else if (f.Key == "Email" && (value.IndexOf('@') < 1 || value.EndsWith('@')))
                errors[f.Key] = "E-mail must be an address like name@example.com.";
        }
        return errors;
    }

    /// <summary>Reactivation and deactivation need only the first and last name: errors keyed "FirstName" and "LastName".</summary>
    public static Dictionary<string, string> CheckNames(string? firstName, string? lastName, string action)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (CompanyValidation.Clean(firstName) is null) errors["FirstName"] = $"First name is required to {action}.";
        if (CompanyValidation.Clean(lastName) is null) errors["LastName"] = $"Last name is required to {action}.";
        if (errors.Count == 0 && CompanyValidation.CheckNames(firstName, lastName) is { } error)
            errors[error.Field == "firstName" ? "FirstName" : "LastName"] = error.Message;
        return errors;
    }

    /// <summary>The server's own check of the whole company, its field mapped to a key here ("company.email" → "Email").</summary>
    public KeyValuePair<string, string>? CheckAsServer()
    {
        var (_, error) = CompanyValidation.Check(ToCompany());
        if (error is null) return null;
        var name = error.Field.Split('.')[^1];
        var key = All.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase))?.Key ?? "";
        return new(key, error.Message);
    }
}
