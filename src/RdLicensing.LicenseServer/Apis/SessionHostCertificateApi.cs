using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>
/// A session host's RDP endpoint has its licensing RSA key certified by this license server's identity
/// (<see cref="EndpointCertificates"/>): the X.509 chain its Server License Request then carries, as an activated Windows
/// host's does. Host token only, refused like a CAL request for a host outside the security group when that policy is on
/// (403 host-not-in-security-group, event 4141); the certificate names the enrolled host the token belongs to.
/// </summary>
public static class SessionHostCertificateApi
{
    public static RouteGroupBuilder MapSessionHostCertificateApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sessionhost").WithTags("Session host").RequireAuthorization(TokenAuthenticationHandler.SessionHostRole);
        api.MapPost("/endpoint-certificate", Issue)
            .WithSummary("Certify the RDP endpoint's RSA licensing key (SubjectPublicKeyInfo, base64): this server's certificate (self-signed by its identity) and the endpoint's, root first.");
        return api;
    }

    public static async Task<Results<Ok<EndpointCertificateView>, ProblemHttpResult>> Issue(EndpointCertificateBody body, ClaimsPrincipal user, ServerState server,
        LicenseStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await SessionHostApi.RefuseOutsideSecurityGroupAsync(user, store, clock, cancellationToken) is { } outside) return outside;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(body.PublicKey ?? "");
        }
        catch (FormatException)
        {
            return Problems.Invalid("publicKey", "publicKey must be the RSA SubjectPublicKeyInfo of the endpoint's licensing key, base64.");
        }
        if (key.Length == 0) return Problems.Invalid("publicKey", "publicKey must be the RSA SubjectPublicKeyInfo of the endpoint's licensing key, base64.");
        var host = user.FindFirst(ClaimTypes.Name)?.Value ?? "session host";
        try
        {
            var now = clock.GetUtcNow();
            var (root, endpoint) = EndpointCertificates.Issue(server.Identity, key, host, now);
            return TypedResults.Ok(new EndpointCertificateView(server.ProductId, [Convert.ToBase64String(root), Convert.ToBase64String(endpoint)], now + EndpointCertificates.EndpointValidity));
        }
        catch (ArgumentException e)
        {
            return Problems.Invalid("publicKey", $"publicKey: {e.Message}");
        }
    }
}
