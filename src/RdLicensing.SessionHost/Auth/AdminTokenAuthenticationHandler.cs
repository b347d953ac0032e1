using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
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
    SessionHostStore store) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "SessionHostAdminToken";
    public const string AdminRole = "sessionhost-admin";

    /// <summary>Where the token is, for people and for rdlic: never the token, nor the server's absolute paths.</summary>
    public const string WhereTheTokenIs =
        "the session host administrator token rdsa_… is in admin.token in the host's data directory, <data>/sessionhost/admin.token for 'rdlic up'";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail($"The Authorization header must be 'Bearer rdsa_…'; {WhereTheTokenIs}.");
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 200) return AuthenticateResult.Fail($"The bearer token is empty or too long; {WhereTheTokenIs}.");
        if (await AdminCredential.IsAdminTokenAsync(store, token, Context.RequestAborted))
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "session host administrator"), new Claim(ClaimTypes.Role, AdminRole)], SchemeName);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
        }
        Logger.LogWarning("Refused a request with an unknown credential from {Remote}", Context.Connection.RemoteIpAddress);
        return AuthenticateResult.Fail($"The token is not this session host's administrator token; {WhereTheTokenIs}.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure?.Message ?? $"This call needs 'Authorization: Bearer rdsa_…'; {WhereTheTokenIs}.";
        await Write(StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Write(StatusCodes.Status403Forbidden, "forbidden", "Not allowed", "Only the session host administrator token can make this call.");

    private Task Write(int status, string slug, string title, string detail) => ServiceDefaults.ProblemTypes.WriteAsync(Response, status, slug, title, detail);
}
