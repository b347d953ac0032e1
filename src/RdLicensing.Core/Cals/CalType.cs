namespace RdLicensing.Core.Cals;

/// <summary>Values match the original's ProductType (0 Per Device, 1 Per User).</summary>
public enum CalType
{
    PerDevice = 0,
    PerUser = 1,
}

public static class CalTypes
{
    public static string ToShortName(this CalType type) => type == CalType.PerDevice ? "per-device" : "per-user";

    public static string ToDisplayName(this CalType type) => type == CalType.PerDevice ? "RDS Per Device CAL" : "RDS Per User CAL";

    public static bool TryParse(string? text, out CalType type)
    {
        var key = new string((text ?? "").Where(char.IsLetter).ToArray()).ToLowerInvariant();
        switch (key)
        {
            case "perdevice" or "device": type = CalType.PerDevice; return true;
            case "peruser" or "user": type = CalType.PerUser; return true;
            default: type = default; return false;
        }
    }
}
