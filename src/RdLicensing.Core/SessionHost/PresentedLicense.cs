using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.SessionHost;

/// <summary>What the session host makes of the CAL a client presents, before (or instead of) asking a license server.</summary>
public enum PresentedLicenseState
{
    /// <summary>The client has no CAL.</summary>
    None,
    /// <summary>No license server key the host knows verifies it: altered, not a CAL, or from a server the host has not learned yet.</summary>
    NotVerified,
    /// <summary>Signed by a known license server, but for another device or not a Per Device CAL.</summary>
    WrongDevice,
    Expired,
    /// <summary>A temporary CAL still within its 90 days: a license server should upgrade it.</summary>
    Temporary,
    /// <summary>A permanent CAL of a version older than the host accepts.</summary>
    TooOld,
    /// <summary>A permanent CAL with at most 7 days left: a license server should renew it.</summary>
    RenewalDue,
    /// <summary>A permanent CAL with more than 7 days left: accepted without contacting any license server.</summary>
    Valid,
}

/// <summary>The result of checking a presented CAL: its state, what it binds when it verified, and why it is not usable.</summary>
public sealed record PresentedLicense(PresentedLicenseState State, CalTokenContent? Content, string? Problem)
{
    public static readonly PresentedLicense None = new(PresentedLicenseState.None, null, null);

    /// <summary>Verified and meant for this device, so it is still good for a connection until it expires (even if it needs a license server).</summary>
    public bool UsableWithoutLicenseServer => State is PresentedLicenseState.Valid or PresentedLicenseState.RenewalDue or PresentedLicenseState.Temporary;

    /// <summary>Not acceptable at all: the host logs an invalid client license (event 1003).</summary>
    public bool IsInvalid => State is PresentedLicenseState.NotVerified or PresentedLicenseState.WrongDevice;

    /// <summary>A permanent CAL that verified but needs a license server to be upgraded or renewed.</summary>
    public bool IsPermanentNeedingServer => Content is { IsTemporary: false } && State is PresentedLicenseState.TooOld or PresentedLicenseState.Expired or PresentedLicenseState.RenewalDue;

    /// <summary>
    /// Checks a Per Device CAL against the license server keys the host knows: signature, issuer, hardware id,
    /// version (the host accepts its own version or newer) and expiry (renewal at 7 days or less).
    /// </summary>
    public static PresentedLicense Check(byte[]? token, IEnumerable<CalTokenVerifier> keys, string hardwareId, ProductVersion hostVersion, DateTimeOffset now)
    {
        if (token is null || token.Length == 0) return None;
        CalTokenContent? content = null;
        string problem = "no license server key known to this session host verifies it";
        foreach (var key in keys)
        {
            try
            {
                var verified = key.Verify(token);
                if (verified.LicenseServerProductId != key.ProductId)
                    return new PresentedLicense(PresentedLicenseState.NotVerified, null, "it names a license server other than the one that signed it");
                content = verified;
                break;
            }
            catch (CalTokenException e)
            {
                problem = e.Message;
            }
        }
        if (content is null) return new PresentedLicense(PresentedLicenseState.NotVerified, null, problem);
        if (content.Type != CalType.PerDevice)
            return new PresentedLicense(PresentedLicenseState.WrongDevice, content, "it is not a Per Device CAL");
        if (!string.Equals(content.HardwareId, hardwareId, StringComparison.Ordinal))
            return new PresentedLicense(PresentedLicenseState.WrongDevice, content, "it was issued to another device (hardware id differs)");
        if (content.ExpiresAt <= now)
            return new PresentedLicense(PresentedLicenseState.Expired, content, $"it expired on {content.ExpiresAt:yyyy-MM-dd}");
        if (content.IsTemporary)
            return new PresentedLicense(PresentedLicenseState.Temporary, content, null);
        if (!VersionCompatibility.SessionHostAccepts(hostVersion, content.Version))
            return new PresentedLicense(PresentedLicenseState.TooOld, content,
                $"it is a {content.Version.ToDisplayName()} CAL and this {hostVersion.ToDisplayName()} session host needs {hostVersion.ToShortName()} or newer");
        if (content.ExpiresAt - now <= CalRules.RenewalWindow)
            return new PresentedLicense(PresentedLicenseState.RenewalDue, content, null);
        return new PresentedLicense(PresentedLicenseState.Valid, content, null);
    }
}
