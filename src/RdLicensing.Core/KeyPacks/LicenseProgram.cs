namespace RdLicensing.Core.KeyPacks;

/// <summary>The license programs a key pack can come from (Install Licenses wizard).</summary>
public enum LicenseProgram
{
    Retail,
    Open,
    Select,
    EnterpriseAgreement,
    Campus,
    School,
    Spla,
    Other,
}

public static class LicensePrograms
{
    public static string ToShortName(this LicenseProgram program) => program switch
    {
        LicenseProgram.EnterpriseAgreement => "enterprise",
        _ => program.ToString().ToLowerInvariant(),
    };

    public static string ToDisplayName(this LicenseProgram program) => program switch
    {
        LicenseProgram.Retail => "License Pack (Retail Purchase)",
        LicenseProgram.Open => "Open License",
        LicenseProgram.Select => "Select License",
        LicenseProgram.EnterpriseAgreement => "Enterprise Agreement",
        LicenseProgram.Campus => "Campus Agreement",
        LicenseProgram.School => "School Agreement",
        LicenseProgram.Spla => "Service Provider License Agreement",
        _ => "Other Agreement",
    };

    /// <summary>The original's KeyPackType family: 1 retail, 2 volume, 5 open.</summary>
    public static int ToKeyPackType(this LicenseProgram program) => program switch
    {
        LicenseProgram.Retail => 1,
        LicenseProgram.Open => 5,
        _ => 2,
    };

    public static bool TryParse(string? text, out LicenseProgram program)
    {
        foreach (var candidate in Enum.GetValues<LicenseProgram>())
        {
            if (string.Equals(candidate.ToShortName(), text, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(candidate.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                program = candidate;
                return true;
            }
        }
        program = default;
        return false;
    }
}
