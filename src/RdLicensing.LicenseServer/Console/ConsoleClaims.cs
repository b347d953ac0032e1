using System.Security.Claims;

namespace RdLicensing.LicenseServer.Console;

/// <summary>
/// What the console's cookie carries (encrypted with ASP.NET Data Protection): the license server it manages and the
/// administrator token it signed in with. Every page calls that server's API with that token, as rdlic does.
/// </summary>
public static class ConsoleClaims
{
    public const string Scheme = "LicensingManager";
    public const string ServerUrl = "rdlic:server";
    public const string Token = "rdlic:token";

    /// <summary>The console session (a row of the license server's database) the cookie belongs to; sign-out ends it.</summary>
    public const string Session = "rdlic:session";

    public static ClaimsPrincipal Principal(string serverUrl, string token, string productId, string? session = null) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, productId),
            new Claim(ServerUrl, serverUrl),
            new Claim(Token, token),
            .. session is null ? Array.Empty<Claim>() : [new Claim(Session, session)],
        ], Scheme));
}
