using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Protocol;

/// <summary>
/// The closed sets of values the wire records' string fields take, for the OpenAPI documents: by camelCase property
/// name, or "Record.property" where one record's field means something else (an empty set leaves it free).
/// </summary>
public static class ContractEnums
{
    public static readonly string[] Programs = Enum.GetValues<LicenseProgram>().Select(p => p.ToShortName()).ToArray();
    public static readonly string[] Versions = ProductVersions.All.Select(v => v.ToShortName()).ToArray();
    public static readonly string[] CalTypes = ["per-device", "per-user"];
    public static readonly string[] Methods = ["automatic", "web", "telephone"];

    public static readonly IReadOnlyDictionary<string, string[]> ByProperty = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["program"] = Programs,
        ["version"] = Versions,
        ["hostVersion"] = Versions,
        ["sourceVersion"] = Versions,
        ["type"] = CalTypes,
        ["calType"] = CalTypes,
        ["method"] = Methods,
        ["connectionMethod"] = Methods,
        ["ReportCreateBody.type"] = ["cal-usage"],
        ["ReportView.type"] = ["cal-usage"],
        ["CalView.status"] = Enum.GetValues<CalStatus>().Where(s => s != CalStatus.Unknown).Select(s => s.ToShortName()).ToArray(),
        ["ActivationView.status"] = ["not-activated", "activated", "deactivated", "expired"],
    };
}
