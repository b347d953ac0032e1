using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using RdLicensing.ServiceDefaults;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Auth;

/// <summary>
/// Bearer tokens: "rdla_…" for administrators, "rdlh_…" for enrolled session hosts. The store holds only
/// their hashes.
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    LicenseStore store) : BearerTokenHandler(options, logger, encoder)
{
    public const string SchemeName = "RdLicensingToken";
    public const string AdminRole = "admin";
    public const string SessionHostRole = "sessionhost";
    public const string SecurityGroupClaim = "rdl:securityGroup";

    /// <summary>
    /// Which credential made the request, for per-caller rate limits: "host:NAME", or "admin:" and the start of the
    /// token's hash (administrator credentials all carry the same name, and the token itself must never be kept).
    /// </summary>
    public const string CredentialClaim = "rdl:credential";

    protected override string TokenHint =>
        "send the administrator token rdla_… (in the license server data directory's admin.token), or a session host's enrollment token rdlh_…";

    protected override async Task<Claim[]?> ClaimsForAsync(string token, CancellationToken cancellationToken)
    {
        if (token.StartsWith("rdla_", StringComparison.Ordinal) && await store.IsAdminTokenAsync(token, cancellationToken))
            return [new Claim(ClaimTypes.Name, "administrator"), new Claim(ClaimTypes.Role, AdminRole),
                new Claim(CredentialClaim, "admin:" + LicenseStore.HashToken(token)[..16])];
        if (token.StartsWith("rdlh_", StringComparison.Ordinal) && await store.SessionHostByTokenAsync(token, cancellationToken) is { } host)
            return [new Claim(ClaimTypes.Name, host.Name), new Claim(ClaimTypes.Role, SessionHostRole),
                new Claim(SecurityGroupClaim, host.InSecurityGroup ? "true" : "false"), new Claim(CredentialClaim, "host:" + host.Name)];
        return null;
    }

    protected override string ForbiddenDetail(ClaimsPrincipal user) => user.IsInRole(SessionHostRole)
        ? "Session host credentials can only request CALs and report sign-ins; use the administrator token."
        : "Administrator credentials cannot act as a session host; enroll the host and use its token.";
}
