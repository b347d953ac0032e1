using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>
/// What an enrolled session host may read about its license server: the key that signs CAL tokens (so the
/// host verifies presented CALs alone), and what the Licensing Diagnoser compares with the host's
/// configuration. Not subject to the security group refusal: a host outside the group must be able to see that it is.
/// Nothing here is a secret of the server: the activation is shown by status and dates, without the License Server ID.
/// </summary>
public static class SessionHostDiagnosticsApi
{
    /// <summary>Temporary CALs ending within this many days are listed: those clients are refused then unless CALs are installed.</summary>
    public const int ExpiringWithinDays = 14;

    private const int MaxExpiringListed = 100;

    public static RouteGroupBuilder MapSessionHostDiagnosticsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sessionhost").WithTags("Session host").RequireAuthorization(TokenAuthenticationHandler.SessionHostRole);
        api.MapGet("/license-server", Info).WithSummary("Product ID, version, the public key (SubjectPublicKeyInfo, base64) that verifies this server's CAL tokens, and the keys retired by rotations (date, reason).");
        api.MapGet("/diagnostics", Diagnostics).WithSummary("Activation, CAL pools, temporary CALs expiring soon, policies and whether this host is in the security group.");
        return api;
    }

    public static Ok<LicenseServerInfoView> Info(ServerState server) =>
        TypedResults.Ok(new LicenseServerInfoView(server.ProductId, server.Version.ToShortName(),
            Convert.ToBase64String(server.Identity.Key.ExportSubjectPublicKeyInfo()),
            server.RetiredKeys.Select(k => new RetiredKeyView(Convert.ToBase64String(k.PublicKey), k.RetiredAt, k.Reason)).ToList()));

    public static async Task<Ok<LicenseServerDiagnosticsView>> Diagnostics(
        ClaimsPrincipal user, ServerState server, LicenseStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var packs = (await store.KeyPacksAsync(cancellationToken)).Where(p => !p.IsExpired(now)).ToList();
        var pools = packs.GroupBy(p => (p.Type, p.Version)).OrderBy(g => g.Key.Type).ThenBy(g => g.Key.Version)
            .Select(g => new DiagnosticsPoolView(g.Key.Type.ToShortName(), g.Key.Version.ToShortName(), g.Sum(p => p.Total), g.Sum(p => p.Issued), g.Sum(p => p.Available)))
            .ToList();

        var horizon = now.AddDays(ExpiringWithinDays);
        var expiring = (await store.LiveCalsAsync(cancellationToken))
            .Where(c => c.IsTemporary && c.Status == CalStatus.Temporary && c.ExpiresAt > now && c.ExpiresAt <= horizon)
            .OrderBy(c => c.ExpiresAt).ToList();

        var current = server.CurrentActivation; // one read: another node may change it meanwhile
        var activation = current.Certificate;
        var policies = await LicensingPolicies.ReadAsync(store, cancellationToken);
        return TypedResults.Ok(new LicenseServerDiagnosticsView(
            server.ProductId,
            server.Version.ToShortName(),
            now,
            // The status and dates, never the License Server ID: a host token must not be worth anything at the clearinghouse.
            new ActivationView(current.StatusAt(now), null, activation?.IssuedAt, activation?.ExpiresAt),
            pools,
            new TemporaryCalsExpiringView(ExpiringWithinDays, expiring.Count, expiring.FirstOrDefault()?.ExpiresAt,
                expiring.Take(MaxExpiringListed).Select(c => new ExpiringCalView(c.ClientName, c.ExpiresAt, c.Validated)).ToList()),
            new PoliciesView(policies.SecurityGroupEnabled, policies.PreventLicenseUpgrade),
            user.Identity!.Name!,
            user.FindFirst(TokenAuthenticationHandler.SecurityGroupClaim)?.Value == "true"));
    }
}
