namespace RdLicensing.Core.Activation;

/// <summary>
/// Where a license server administrator calls the clearinghouse for the telephone connection method.
/// The numbers are the vendor's; these are the defaults of a self-hosted clearinghouse (reserved
/// fictional ranges), so a demo never dials a real line.
/// </summary>
public static class TelephoneDirectory
{
    public sealed record Entry(string CountryRegion, string Number);

    public static IReadOnlyList<Entry> Entries { get; } =
    [
        new("Australia", "+61 1800 160 401"),
        new("Austria", "+43 800 000 555"),
        new("Belgium", "+32 800 00 555"),
        new("Brazil", "+55 0800 000 0555"),
        new("Canada", "+1 800 555 0199"),
        new("Denmark", "+45 80 00 05 55"),
        new("Finland", "+358 800 000 555"),
        new("France", "+33 800 000 555"),
        new("Germany", "+49 800 000 0555"),
        new("India", "+91 1800 000 0555"),
        new("Ireland", "+353 1800 000 555"),
        new("Italy", "+39 800 000 555"),
        new("Japan", "+81 120 000 555"),
        new("Netherlands", "+31 800 000 0555"),
        new("New Zealand", "+64 800 000 555"),
        new("Norway", "+47 800 00 555"),
        new("Poland", "+48 800 000 555"),
        new("Portugal", "+351 800 000 555"),
        new("Spain", "+34 900 000 555"),
        new("Sweden", "+46 20 000 555"),
        new("Switzerland", "+41 800 000 555"),
        new("United Kingdom", "+44 800 000 0555"),
        new("United States", "+1 800 555 0100"),
    ];

    public static Entry? Find(string? countryRegion) =>
        Entries.FirstOrDefault(e => string.Equals(e.CountryRegion, countryRegion?.Trim(), StringComparison.OrdinalIgnoreCase));
}
