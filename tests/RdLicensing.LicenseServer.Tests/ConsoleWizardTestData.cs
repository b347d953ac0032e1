using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Status and properties as the console's page classes get them from the API, for their unit tests.</summary>
internal static class ConsoleWizardTestData
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static StatusView Status(string activation, string? licenseServerId = "LSID") => new("00000-00000-00000-AAAAA", "2025",
        new ActivationView(activation, licenseServerId, licenseServerId is null ? null : Now.AddDays(-10), licenseServerId is null ? null : Now.AddDays(300)),
        "CN=Clearinghouse", new ClockView("system", Now, "0"), new PoliciesView(false, false), [], 0, 0, 0, "sqlite", []);

    public static readonly StatusView Activated = Status("activated");
    public static readonly StatusView NotActivated = Status("not-activated", null);
    public static readonly StatusView Deactivated = Status("deactivated");
    public static readonly StatusView Expired = Status("expired");

    public static PropertiesView Properties(string method = "automatic", string? country = null) =>
        new(method, country, null, new CompanyInformation("Ada", "Lovelace", "Contoso", "Canada", "ada@contoso.example"), "http://127.0.0.1:5090/");
}
