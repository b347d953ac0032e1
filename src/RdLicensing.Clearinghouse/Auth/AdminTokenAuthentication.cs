using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using RdLicensing.Clearinghouse.Apis;
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
    ClearinghouseStore store) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ClearinghouseAdminToken";
    public const string AdminRole = "clearinghouse-admin";
    public const string TokenPrefix = "rdca_";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <token>'.");
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 200) return AuthenticateResult.Fail("The bearer token is empty or too long.");
        if (token.StartsWith(TokenPrefix, StringComparison.Ordinal) && await store.IsAdminTokenAsync(token, Context.RequestAborted))
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "clearinghouse administrator"), new Claim(ClaimTypes.Role, AdminRole)], SchemeName);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
        }
        Logger.LogWarning("Refused a request with an unknown credential from {Remote}", Context.Connection.RemoteIpAddress);
        return AuthenticateResult.Fail("The token is not the clearinghouse administrator token (rdca_…, in the clearinghouse data directory's admin.token).");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await Context.AuthenticateAsync(SchemeName);
        var detail = result.Failure?.Message
            ?? "This call needs the clearinghouse administrator token: send 'Authorization: Bearer rdca_…' (it is in the clearinghouse data directory's admin.token).";
        await Write(StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Write(StatusCodes.Status403Forbidden, "forbidden", "Not allowed", "Only the clearinghouse administrator token can make this call.");

    private Task Write(int status, string slug, string title, string detail) => ServiceDefaults.ProblemTypes.WriteAsync(Response, status, slug, title, detail);
}
