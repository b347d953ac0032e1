using RdLicensing.Core.Activation;
using RdLicensing.Core.Events;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Activation;

/// <summary>Reads and validates the Properties dialog; a change is saved with its event in one transaction.</summary>
public static class PropertiesService
{
    /// <summary>The properties a PUT asks for, or a <see cref="Refusal"/> naming the first wrong field.</summary>
    public static ServerProperties Validate(PropertiesBody body)
    {
        var method = ServerProperties.ParseMethod(body.ConnectionMethod) ?? throw Refusal.Invalid("connectionMethod", body.ConnectionMethod is null
            ? $"connectionMethod is required: one of {string.Join(", ", ServerProperties.Methods)}."
            : $"'{body.ConnectionMethod.Trim()}' is not a connection method: use {string.Join(", ", ServerProperties.Methods)}.");
        var (company, error) = CompanyValidation.Check(body.Company);
        if (error is not null) throw Refusal.Invalid(error.Field, error.Message);
        var country = CompanyValidation.Clean(body.CountryRegion);
        if (method == "telephone")
        {
            var chosen = country ?? company!.CountryRegion;
            var entry = TelephoneDirectory.Find(chosen) ?? throw Refusal.Invalid(country is null ? "company.countryRegion" : "countryRegion",
                $"The telephone method needs a country or region with a clearinghouse telephone number; '{chosen}' has none. Use one of {string.Join(", ", TelephoneDirectory.Entries.Select(e => e.CountryRegion))}.");
            country = entry.CountryRegion;
        }
        else if (country is not null && TelephoneDirectory.Find(country) is null)
        {
            throw Refusal.Invalid("countryRegion", $"There is no clearinghouse telephone number for '{country}': use one of {string.Join(", ", TelephoneDirectory.Entries.Select(e => e.CountryRegion))}, or leave it empty.");
        }
        return new ServerProperties(method, country, company!);
    }

    public static Task<ServerProperties> SaveAsync(LicenseStore store, TimeProvider clock, ServerProperties next, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var current = await ServerProperties.ReadAsync(s);
            if (current == next) return next;
            await next.WriteAsync(s);
            await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.PropertiesChanged,
                $"License server properties changed: connection method {next.ConnectionMethod}" +
                (next.CountryRegion is null ? "" : $", telephone country {next.CountryRegion}") +
                $", company {next.Company.Company} ({next.Company.FirstName} {next.Company.LastName}, {next.Company.CountryRegion}).");
            return next;
        }, cancellationToken);
}
