using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.Cli.Output;

/// <summary>Turns the API's short names ("per-device", "2022r2") into what RD Licensing Manager shows.</summary>
internal static class Names
{
    public static string Version(string shortName) => ProductVersions.TryParse(shortName, out var v) ? v.ToDisplayName() : shortName;

    public static string Type(string shortName) =>
        CalTypes.TryParse(shortName, out var t) ? (t == CalType.PerDevice ? "Per Device" : "Per User") : shortName;

    /// <summary>"RDS Per Device CAL".</summary>
    public static string CalKind(string shortName) => CalTypes.TryParse(shortName, out var t) ? t.ToDisplayName() : shortName;

    public static string OnOff(bool value) => value ? "on" : "off";

    public static string YesNo(bool value) => value ? "yes" : "no";
}
