using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using RdLicensing.ServiceDefaults;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Auth;

/// <summary>
/// The vendor administrator's bearer token ("rdca_…", in the data directory's admin.token). Only its hash
/// is stored. The public API (activation, Install Licenses) needs no credential.
/// </summary>
public sealed class AdminTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ClearinghouseStore store) : BearerTokenHandler(options, logger, encoder)
{
    public const string SchemeName = "ClearinghouseAdminToken";
    public const string AdminRole = "clearinghouse-admin";
    public const string TokenPrefix = "rdca_";

    protected override string TokenHint => "send the clearinghouse administrator token rdca_… (in the clearinghouse data directory's admin.token)";

    protected override async Task<Claim[]?> ClaimsForAsync(string token, CancellationToken cancellationToken) =>
        token.StartsWith(TokenPrefix, StringComparison.Ordinal) && await IsAdminTokenAsync(store, token, cancellationToken)
            ? [new Claim(ClaimTypes.Name, "clearinghouse administrator"), new Claim(ClaimTypes.Role, AdminRole)]
            : null;

    protected override string ForbiddenDetail(ClaimsPrincipal user) => "Only the clearinghouse administrator token can make this call.";

    /// <summary>Whether <paramref name="token"/> is the vendor administrator's: its hash against the stored one, in constant time.</summary>
    public static async Task<bool> IsAdminTokenAsync(ClearinghouseStore store, string token, CancellationToken cancellationToken) =>
        BearerCredential.HashMatches(await store.SettingAsync(ClearinghouseStore.AdminTokenHashSetting, cancellationToken), LicenseStore.HashToken(token));
}
