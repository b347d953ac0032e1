using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RdLicensing.ServiceDefaults;

/// <summary>
/// "Authorization: Bearer &lt;token&gt;" for every RdLicensing service: the header is read and bounded here, the
/// service says which credential a token is (<see cref="ClaimsForAsync"/>), and every failure answers with a
/// ProblemDetails that says which token is expected and where it is (<see cref="TokenHint"/>) — never the token.
/// </summary>
public abstract class BearerTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Which token this service expects and where an administrator finds it, for error details.</summary>
    protected abstract string TokenHint { get; }

    /// <summary>The claims of the credential this token is, or null when it is none of this service's.</summary>
    protected abstract Task<Claim[]?> ClaimsForAsync(string token, CancellationToken cancellationToken);

    /// <summary>Why an authenticated caller may not make this call.</summary>
    protected abstract string ForbiddenDetail(ClaimsPrincipal user);

    protected sealed override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (status, token) = BearerCredential.Parse(Request.Headers.Authorization.ToString());
        switch (status)
        {
            case BearerHeaderStatus.Missing: return AuthenticateResult.NoResult();
            case BearerHeaderStatus.WrongScheme: return AuthenticateResult.Fail($"The Authorization header must be 'Bearer <token>'; {TokenHint}.");
            case BearerHeaderStatus.EmptyOrTooLong: return AuthenticateResult.Fail($"The bearer token is empty or too long; {TokenHint}.");
        }
        if (await ClaimsForAsync(token!, Context.RequestAborted) is { } claims)
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));
        Logger.LogWarning("Refused a request with an unknown credential from {Remote}", Context.Connection.RemoteIpAddress);
        return AuthenticateResult.Fail($"The token is not a credential of this service; {TokenHint}.");
    }

    protected sealed override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The result of this request's authentication is cached: no second lookup of the token.
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure?.Message ?? $"This call needs a credential; {TokenHint}.";
        await ProblemTypes.WriteAsync(Response, StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required", detail);
    }

    protected sealed override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemTypes.WriteAsync(Response, StatusCodes.Status403Forbidden, "forbidden", "Not allowed", ForbiddenDetail(Context.User));
}
