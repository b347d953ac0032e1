using RdLicensing.Core.Protocol;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// The company information of an activation. Activation needs First name, Last name, Company and
/// Country/Region; reactivation only the names. A missing one is named ("company.countryRegion").
/// </summary>
public static class CompanyFields
{
    /// <summary>Field names (as in JSON, under "company"), labels, and whether activation requires them.</summary>
    public static IReadOnlyList<(string Name, string Label, bool Required)> All { get; } =
    [
        ("firstName", "First name", true),
        ("lastName", "Last name", true),
        ("company", "Company", true),
        ("countryRegion", "Country/Region", true),
        ("email", "E-mail", false),
        ("organizationalUnit", "Organizational unit", false),
        ("address", "Address", false),
        ("city", "City", false),
        ("stateProvince", "State/province", false),
        ("postalCode", "Postal code", false),
    ];

    public static CompanyInformation Read(CompanyInformation? given, bool reactivation)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (name, label, required) in All)
        {
            var value = RequestFields.Text(Get(given, name), "company." + name, label);
            var needed = required && (!reactivation || name is "firstName" or "lastName");
            if (needed && value is null)
                throw ClearinghouseRefusal.MissingInformation("company." + name, $"{label} is required to {(reactivation ? "reactivate" : "activate")}");
            values[name] = value;
        }
        return new CompanyInformation(values["firstName"], values["lastName"], values["company"], values["countryRegion"], values["email"],
            values["organizationalUnit"], values["address"], values["city"], values["stateProvince"], values["postalCode"]);
    }

    /// <summary>What the reactivation did not give, taken from the earlier activation.</summary>
    public static CompanyInformation FillFrom(CompanyInformation given, CompanyInformation earlier) => new(
        given.FirstName ?? earlier.FirstName, given.LastName ?? earlier.LastName, given.Company ?? earlier.Company,
        given.CountryRegion ?? earlier.CountryRegion, given.Email ?? earlier.Email, given.OrganizationalUnit ?? earlier.OrganizationalUnit,
        given.Address ?? earlier.Address, given.City ?? earlier.City, given.StateProvince ?? earlier.StateProvince, given.PostalCode ?? earlier.PostalCode);

    public static string? Get(CompanyInformation? c, string name) => name switch
    {
        "firstName" => c?.FirstName,
        "lastName" => c?.LastName,
        "company" => c?.Company,
        "countryRegion" => c?.CountryRegion,
        "email" => c?.Email,
        "organizationalUnit" => c?.OrganizationalUnit,
        "address" => c?.Address,
        "city" => c?.City,
        "stateProvince" => c?.StateProvince,
        "postalCode" => c?.PostalCode,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a company information field."),
    };

    /// <summary>Builds company information from form fields named like the JSON ones.</summary>
    public static CompanyInformation FromValues(Func<string, string?> value) => new(
        value("firstName"), value("lastName"), value("company"), value("countryRegion"), value("email"),
        value("organizationalUnit"), value("address"), value("city"), value("stateProvince"), value("postalCode"));
}
