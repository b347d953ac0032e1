namespace RdLicensing.Core.Versions;

/// <summary>Windows Server releases whose RDS CALs the system knows. Values order the releases.</summary>
public enum ProductVersion
{
    WindowsServer2008R2 = 2008_2,
    WindowsServer2012 = 2012_1,
    WindowsServer2012R2 = 2012_2,
    WindowsServer2016 = 2016_1,
    WindowsServer2019 = 2019_1,
    WindowsServer2022 = 2022_1,
    WindowsServer2025 = 2025_1,
}

public static class ProductVersions
{
    public static IReadOnlyList<ProductVersion> All { get; } = Enum.GetValues<ProductVersion>().Order().ToArray();

    public static ProductVersion Latest => All[^1];

    /// <summary>Short name used on the command line, in files and in the API: "2008r2", "2012", "2012r2", "2016" …</summary>
    public static string ToShortName(this ProductVersion version) => version switch
    {
        ProductVersion.WindowsServer2008R2 => "2008r2",
        ProductVersion.WindowsServer2012 => "2012",
        ProductVersion.WindowsServer2012R2 => "2012r2",
        ProductVersion.WindowsServer2016 => "2016",
        ProductVersion.WindowsServer2019 => "2019",
        ProductVersion.WindowsServer2022 => "2022",
        ProductVersion.WindowsServer2025 => "2025",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown product version."),
    };

    public static string ToDisplayName(this ProductVersion version) => version switch
    {
        ProductVersion.WindowsServer2008R2 => "Windows Server 2008 R2",
        ProductVersion.WindowsServer2012R2 => "Windows Server 2012 R2",
        _ => "Windows Server " + version.ToShortName(),
    };

    /// <summary>Accepts "2022", "2012r2", "2012 R2", "Windows Server 2022", "WindowsServer2022" (any case).</summary>
    public static bool TryParse(string? text, out ProductVersion version)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var key = new string(text.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
        if (key.StartsWith("windowsserver", StringComparison.Ordinal)) key = key["windowsserver".Length..];
        foreach (var candidate in All)
        {
            if (candidate.ToShortName() == key) { version = candidate; return true; }
        }
        return false;
    }

    public static ProductVersion Parse(string text) =>
        TryParse(text, out var version)
            ? version
            : throw new FormatException($"'{text}' is not a product version; use one of {string.Join(", ", All.Select(v => v.ToShortName()))}.");
}
