namespace RdLicensing.Core.SessionHost;

/// <summary>The session host's Remote Desktop licensing mode. Values are the original's registry values (LicensingMode 2, 4, 5).</summary>
public enum LicensingMode
{
    PerDevice = 2,
    PerUser = 4,
    NotConfigured = 5,
}

public static class LicensingModes
{
    public static IReadOnlyList<LicensingMode> All { get; } = [LicensingMode.PerDevice, LicensingMode.PerUser, LicensingMode.NotConfigured];

    /// <summary>"per-device", "per-user", "not-configured": the command line, the API and policy.json.</summary>
    public static string ToShortName(this LicensingMode mode) => mode switch
    {
        LicensingMode.PerDevice => "per-device",
        LicensingMode.PerUser => "per-user",
        _ => "not-configured",
    };

    public static string ToDisplayName(this LicensingMode mode) => mode switch
    {
        LicensingMode.PerDevice => "Per Device",
        LicensingMode.PerUser => "Per User",
        _ => "Not configured",
    };

    /// <summary>The CAL type this mode needs, or null when the mode is not configured.</summary>
    public static Cals.CalType? CalType(this LicensingMode mode) => mode switch
    {
        LicensingMode.PerDevice => Cals.CalType.PerDevice,
        LicensingMode.PerUser => Cals.CalType.PerUser,
        _ => null,
    };

    /// <summary>Accepts "per-device", "PerDevice", "Per Device", "device", "not-configured", "notconfigured" (any case).</summary>
    public static bool TryParse(string? text, out LicensingMode mode)
    {
        var key = new string((text ?? "").Where(char.IsLetter).ToArray()).ToLowerInvariant();
        switch (key)
        {
            case "perdevice" or "device": mode = LicensingMode.PerDevice; return true;
            case "peruser" or "user": mode = LicensingMode.PerUser; return true;
            case "notconfigured" or "none": mode = LicensingMode.NotConfigured; return true;
            default: mode = default; return false;
        }
    }
}
