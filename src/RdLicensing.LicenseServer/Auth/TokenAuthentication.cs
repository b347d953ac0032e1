using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Auth;

/// <summary>
/// Bearer tokens: "rdla_…" for administrators, "rdlh_…" for enrolled session hosts. The store holds only
/// their hashes. Failures answer with ProblemDetails saying which credential is missing or wrong.
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    LicenseStore store) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "RdLicensingToken";
    public const string AdminRole = "admin";
    public const string SessionHostRole = "sessionhost";
    public const string SecurityGroupClaim = "rdl:securityGroup";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <token>'.");
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 200) return AuthenticateResult.Fail("The bearer token is empty or too long.");

        if (token.StartsWith("rdla_", StringComparison.Ordinal) && await store.IsAdminTokenAsync(token, Context.RequestAborted))
            return Success(new Claim(ClaimTypes.Name, "administrator"), new Claim(ClaimTypes.Role, AdminRole));

        if (token.StartsWith("rdlh_", StringComparison.Ordinal) && await store.SessionHostByTokenAsync(token, Context.RequestAborted) is { } host)
            return Success(new Claim(ClaimTypes.Name, host.Name), new Claim(ClaimTypes.Role, SessionHostRole),
                new Claim(SecurityGroupClaim, host.InSecurityGroup ? "true" : "false"));

        Logger.LogWarning("Refused a request with an unknown credential from {Remote}", Context.Connection.RemoteIpAddress);
        return AuthenticateResult.Fail("The token is not a known administrator or session host credential.");
    }

    private AuthenticateResult Success(params Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await Context.AuthenticateAsync(SchemeName);
        var detail = result.Failure?.Message
            ?? "This call needs a credential: send 'Authorization: Bearer <token>' (the administrator token is in the data directory's admin.token; session hosts use their enrollment token).";
        await Write(StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Write(StatusCodes.Status403Forbidden, "forbidden", "Not allowed",
            Context.User.IsInRole(SessionHostRole)
                ? "Session host credentials can only request CALs and report sign-ins; use the administrator token."
                : "Administrator credentials cannot act as a session host; enroll the host and use its token.");

    private Task Write(int status, string slug, string title, string detail) => ServiceDefaults.ProblemTypes.WriteAsync(Response, status, slug, title, detail);
}
