using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using RdLicensing.ServiceDefaults;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Auth;

/// <summary>
/// The session host administrator's bearer token ("rdsa_…", in the data directory's admin.token), as the license
/// server checks its "rdla_…". Client connections (connect, sign-in, activity, end of a session by its id) need no
/// credential: RDP clients do not authenticate to licensing. Failures answer with ProblemDetails saying where the
/// token is.
/// </summary>
public sealed class AdminTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionHostStore store) : BearerTokenHandler(options, logger, encoder)
{
    public const string SchemeName = "SessionHostAdminToken";
    public const string AdminRole = "sessionhost-admin";

    /// <summary>Where the token is, for people and for rdlic: never the token, nor the server's absolute paths.</summary>
    protected override string TokenHint =>
        "the session host administrator token rdsa_… is in admin.token in the host's data directory, <data>/sessionhost/admin.token for 'rdlic up'";

    protected override async Task<Claim[]?> ClaimsForAsync(string token, CancellationToken cancellationToken) =>
        await AdminCredential.IsAdminTokenAsync(store, token, cancellationToken)
            ? [new Claim(ClaimTypes.Name, "session host administrator"), new Claim(ClaimTypes.Role, AdminRole)]
            : null;

    protected override string ForbiddenDetail(ClaimsPrincipal user) => "Only the session host administrator token can make this call.";
}
