using RdLicensing.SessionHost.Configuration;
using RdLicensing.ServiceDefaults;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Auth;

/// <summary>
/// The session host administrator's bearer token ("rdsa_…", 256 random bits). The store keeps only its SHA-256,
/// so a copy of sessionhost.db never carries a usable administrator credential; the token itself is only in
/// &lt;data-dir&gt;/admin.token.
/// </summary>
public static class AdminCredential
{
    public const string TokenPrefix = "rdsa_";

    public static string NewToken() => LicenseStore.NewToken(TokenPrefix.TrimEnd('_'));

    public static async Task<bool> IsAdminTokenAsync(SessionHostStore store, string token, CancellationToken cancellationToken) =>
        token.StartsWith(TokenPrefix, StringComparison.Ordinal) &&
        BearerCredential.HashMatches(await store.SettingAsync(SettingNames.AdminTokenHash, cancellationToken), LicenseStore.HashToken(token));
}
