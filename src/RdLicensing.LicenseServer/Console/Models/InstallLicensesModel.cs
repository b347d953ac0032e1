using System.Globalization;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Versions;

namespace RdLicensing.LicenseServer.Console.Models;

/// <summary>One line of what Install Licenses will install, shown before Finish.</summary>
public sealed record PreviewRow(string Label, string Value, string? Id = null);

/// <summary>The Install Licenses wizard's page logic that needs no call: what will be installed, from what was typed.</summary>
public static class InstallLicensesModel
{
    /// <summary>What the clearinghouse grants for a code or number it recorded with the purchase: the console cannot know it before Finish.</summary>
    public const string AsPurchased = "As recorded with your purchase at the clearinghouse (shown when installed)";

    /// <summary>
    /// The confirmation page's lines: the program and its identifiers, then the version, type and quantity — chosen on the
    /// product page for an agreement; for a retail code, an Open License or a license key pack ID, what the purchase or the
    /// signed ID says, which the license server learns at Finish.
    /// </summary>
    public static IReadOnlyList<PreviewRow> Preview(string? program, string programLabel, string? licenseCode, string? licenseNumber,
        string? authorizationNumber, string? agreementNumber, string? keyPackId, string? version, string? calType, string? quantity)
    {
        var rows = new List<PreviewRow> { new("License program", programLabel, "preview-program") };
        switch (program)
        {
            case "retail":
                rows.Add(new("License code", GroupedCode.Format(GroupedCode.Normalize(licenseCode)), "preview-code"));
                rows.Add(new("Version, type and quantity", AsPurchased, "preview-product"));
                break;
            case "open":
                rows.Add(new("License number", licenseNumber?.Trim() ?? "", "preview-license-number"));
                rows.Add(new("Authorization number", authorizationNumber?.Trim() ?? "", "preview-authorization"));
                rows.Add(new("Version, type and quantity", AsPurchased, "preview-product"));
                break;
            case "key-pack-id":
                var normalized = GroupedCode.Normalize(keyPackId);
                rows.Add(new("License key pack ID", normalized.Length > 10 ? GroupedCode.Format(normalized[..10]) + "-…" : GroupedCode.Format(normalized), "preview-code"));
                rows.Add(new("Version, type and quantity", "As the clearinghouse signed them into the ID (checked by this server at Finish)", "preview-product"));
                break;
            default:
                rows.Add(new($"{programLabel} number", agreementNumber?.Trim() ?? "", "preview-agreement"));
                rows.Add(new("Product version", ProductVersions.TryParse(version, out var v) ? v.ToDisplayName() : version ?? "", "preview-version"));
                rows.Add(new("License type", CalTypes.TryParse(calType, out var t) ? t.ToDisplayName() : calType ?? "", "preview-type"));
                rows.Add(new("Quantity", int.TryParse(quantity?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var q)
                    ? q.ToString("N0", CultureInfo.InvariantCulture) : quantity ?? "", "preview-quantity"));
                break;
        }
        return rows;
    }
}
