using System.Text.Json;
using RdLicensing.Core.Activation;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Activation;

/// <summary>
/// The Properties dialog of RD Licensing Manager: how this server reaches the clearinghouse, the country
/// it calls for the telephone method, and the company information sent with every activation.
/// </summary>
public sealed record ServerProperties(string ConnectionMethod, string? CountryRegion, CompanyInformation Company)
{
    public static IReadOnlyList<string> Methods { get; } = ["automatic", "web", "telephone"];

    public static ServerProperties Default { get; } = new("automatic", null, new CompanyInformation(null, null, null, null));

    private static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Options;

    public static async Task<ServerProperties> ReadAsync(LicenseStore store, CancellationToken cancellationToken) =>
        Parse(await store.SettingAsync(SettingNames.Properties, cancellationToken));

    public static async Task<ServerProperties> ReadAsync(LicenseWriteSession s) => Parse(await s.SettingAsync(SettingNames.Properties));

    public Task WriteAsync(LicenseWriteSession s) => s.SetSettingAsync(SettingNames.Properties, JsonSerializer.Serialize(this, Json));

    /// <summary>Where the telephone method calls: the chosen country, else the company's.</summary>
    public TelephoneDirectory.Entry? Telephone => TelephoneDirectory.Find(CountryRegion ?? Company.CountryRegion);

    public PropertiesView ToView(string? clearinghouseUrl) =>
        new(ConnectionMethod, Telephone?.CountryRegion ?? CountryRegion, Telephone?.Number, Company, clearinghouseUrl);

    /// <summary>The method in canonical form, or null when it is not one of <see cref="Methods"/>.</summary>
    public static string? ParseMethod(string? method) =>
        Methods.FirstOrDefault(m => string.Equals(m, method?.Trim(), StringComparison.OrdinalIgnoreCase));

    // A value that no longer parses (hand-edited database) falls back to the defaults rather than failing every call.
    private static ServerProperties Parse(string? json)
    {
        if (json is null) return Default;
        try
        {
            return JsonSerializer.Deserialize<ServerProperties>(json, Json) is { Company: not null } p && ParseMethod(p.ConnectionMethod) is not null ? p : Default;
        }
        catch (JsonException)
        {
            return Default;
        }
    }
}
