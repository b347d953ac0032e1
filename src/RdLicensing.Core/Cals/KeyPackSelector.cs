using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Cals;

public enum NoPermanentReason
{
    /// <summary>No compatible key pack of this CAL type is installed.</summary>
    NoneInstalled,
    /// <summary>Compatible key packs exist but every license is issued.</summary>
    NoneLeft,
    /// <summary>Only newer-version CALs are left and the "prevent license upgrade" policy is on.</summary>
    UpgradePrevented,
    NotActivated,
}

/// <summary>
/// Picks the key pack a new permanent CAL comes from: the host's own version first; when none is left,
/// the nearest newer version, unless the "prevent license upgrade" policy forbids it.
/// </summary>
public static class KeyPackSelector
{
    public static KeyPack? Choose(IEnumerable<KeyPack> installed, CalType type, ProductVersion hostVersion,
        bool preventUpgrade, DateTimeOffset now, out NoPermanentReason reason)
    {
        var compatible = installed
            .Where(p => p.Type == type && !p.IsExpired(now) && VersionCompatibility.SessionHostAccepts(hostVersion, p.Version))
            .ToList();
        var withLicenses = compatible.Where(p => p.Available > 0)
            .OrderBy(p => p.Version)
            .ThenBy(p => p.ExpiresAt ?? DateTimeOffset.MaxValue)
            .ThenBy(p => p.InstalledAt)
            .ThenBy(p => p.Id)
            .ToList();

        var exact = withLicenses.FirstOrDefault(p => p.Version == hostVersion);
        if (exact is not null) { reason = default; return exact; }

        var newer = withLicenses.FirstOrDefault();
        if (newer is not null && !preventUpgrade) { reason = default; return newer; }

        reason = newer is not null ? NoPermanentReason.UpgradePrevented
            : compatible.Count == 0 ? NoPermanentReason.NoneInstalled
            : NoPermanentReason.NoneLeft;
        return null;
    }
}
