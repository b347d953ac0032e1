using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>What enrolled session hosts call: request a CAL for a connection, report a completed sign-in, check the server is there.</summary>
public static class SessionHostApi
{
    public const int MaxIdLength = 128;
    public const int MaxNameLength = 256;

    public static RouteGroupBuilder MapSessionHostApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sessionhost").WithTags("Session host").RequireAuthorization(TokenAuthenticationHandler.SessionHostRole);
        api.MapPost("/cals", RequestCal).WithSummary("Request, present, renew or upgrade a CAL for one client connection.");
        api.MapPost("/cals/sign-in", ReportSignIn).WithSummary("Report that the user signed in: the device's temporary CAL becomes validated.");
        api.MapGet("/revocations", Revocations).WithSummary("The signed revocation list (X.509 CRL, application/pkix-crl): CALs the host must treat as absent. Records the host's sync.");
        api.MapGet("/grace", Grace).WithSummary("The calling host's grace period start as this server anchored it; a host without local state asks before deciding any connection.");
        api.MapGet("/ping", Ping).WithSummary("Liveness check for an enrolled host: answers without touching licensing state.");
        return api;
    }

    /// <summary>The answer to <see cref="Ping"/>.</summary>
    public sealed record PingResponse(string Status);

    private static readonly PingResponse Alive = new("ok");

    /// <summary>
    /// Reads and writes nothing beyond authenticating the host, so a host can check it still reaches the server (and its
    /// token still works) cheaply — and `rdlic bench licensing` can measure what the HTTP stack alone costs.
    /// </summary>
    public static Ok<PingResponse> Ping() => TypedResults.Ok(Alive);

    /// <summary>Not refused by the security group policy: revocations must reach every enrolled host.</summary>
    public static async Task<FileContentHttpResult> Revocations(ClaimsPrincipal user, RevocationListPublisher publisher, CancellationToken cancellationToken)
    {
        var (list, _) = await publisher.ForHostAsync(user.Identity!.Name!, cancellationToken);
        return TypedResults.File(list, "application/pkix-crl");
    }

    public static async Task<Ok<HostGraceView>> Grace(ClaimsPrincipal user, LicenseStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var host = user.Identity!.Name!;
        var started = await store.WriteAsync(async s =>
        {
            var recorded = await s.HostGraceStartAsync(host);
            if (recorded is { } start)
                await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.HostGracePeriodRecovered,
                    $"Session host {host} asked for its grace period start (it has no local record of it): it started {start:yyyy-MM-dd HH:mm} UTC and ends {start + GracePeriod.Length:yyyy-MM-dd}.",
                    host);
            return recorded;
        }, cancellationToken);
        return TypedResults.Ok(new HostGraceView(started, started + GracePeriod.Length));
    }

    public static async Task<Results<Ok<CalResponseBody>, ProblemHttpResult>> RequestCal(
        CalRequestBody body, ClaimsPrincipal user, CalIssuer issuer, RevocationListPublisher revocations, LicenseStore store, TimeProvider clock,
        LicensingMetrics metrics, CancellationToken cancellationToken)
    {
        var host = user.Identity!.Name!;
        if (await RefuseOutsideSecurityGroupAsync(user, store, clock, cancellationToken) is { } refused) return refused;

        if (!CalTypes.TryParse(body.CalType, out var type))
            return Problems.Invalid("calType", "calType must be 'per-device' or 'per-user'.");
        if (!ProductVersions.TryParse(body.HostVersion, out var hostVersion))
            return Problems.Invalid("hostVersion", $"hostVersion must be the session host's Windows Server version, one of {string.Join(", ", ProductVersions.All.Select(v => v.ToShortName()))}.");
        var hardwareId = Clean(body.HardwareId);
        var userName = Clean(body.UserName);
        if (type == CalType.PerDevice && hardwareId is null)
            return Problems.Invalid("hardwareId", "A Per Device CAL request needs the client's hardwareId.");
        if (type == CalType.PerUser && userName is null)
            return Problems.Invalid("userName", "A Per User CAL request needs the userName that signs in.");
        if (hardwareId?.Length > MaxIdLength || Clean(body.ClientName)?.Length > MaxNameLength || userName?.Length > MaxNameLength)
            return Problems.Invalid("hardwareId", $"hardwareId is limited to {MaxIdLength} characters, clientName and userName to {MaxNameLength}.");
        // Control characters name no device or user, and PostgreSQL cannot store NUL: refused here, not failed in the database.
        if (FirstWithControlCharacter(("hardwareId", hardwareId), ("clientName", Clean(body.ClientName)), ("userName", userName)) is { } bad)
            return Problems.Invalid(bad, $"{bad} must be one line of printable text; it contains a control character.");
        byte[]? presented = null;
        if (!string.IsNullOrEmpty(body.PresentedLicense))
        {
            if (body.PresentedLicense.Length > CalTokenService.MaxTokenBytes * 2)
                return Problems.Invalid("presentedLicense", "presentedLicense is larger than any CAL this server issues.");
            try { presented = Convert.FromBase64String(body.PresentedLicense); }
            catch (FormatException) { return Problems.Invalid("presentedLicense", "presentedLicense must be the base64 CAL the device stored."); }
        }

        var request = new CalRequest(host, type, hostVersion, hardwareId, Clean(body.ClientName) ?? hardwareId ?? userName!, userName, presented, body.HostGraceEndsAt);
        var started = metrics.StartRequest();
        var outcome = await issuer.RequestAsync(request, cancellationToken);
        metrics.RequestAnswered(started, outcome.Outcome, type);
        return TypedResults.Ok(new CalResponseBody(outcome.Licensed, outcome.Outcome, outcome.Message, outcome.Cal?.ToView(),
            outcome.License is null ? null : Convert.ToBase64String(outcome.License),
            outcome.Refusal is { } r ? new RefusalView($"0x{(int)r:X3}", RefusalName(r), outcome.Message) : null,
            outcome.PresentedLicenseProblem, await revocations.CurrentNumberAsync(cancellationToken), outcome.HostGraceStartedAt));
    }

    public static async Task<Results<Ok<SignInResponse>, ProblemHttpResult>> ReportSignIn(
        SignInBody body, ClaimsPrincipal user, CalIssuer issuer, LicenseStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await RefuseOutsideSecurityGroupAsync(user, store, clock, cancellationToken) is { } refused) return refused;
        var hardwareId = Clean(body.HardwareId);
        if (hardwareId is null || hardwareId.Length > MaxIdLength || FirstWithControlCharacter(("hardwareId", hardwareId)) is not null)
            return Problems.Invalid("hardwareId", $"hardwareId (1 to {MaxIdLength} printable characters) names the device whose user signed in.");
        var (validated, message, cal, notThisHost) = await issuer.ReportSignInAsync(user.Identity!.Name!, hardwareId, cancellationToken);
        if (notThisHost)
            return Problems.Create(StatusCodes.Status403Forbidden, "sign-in-not-requested-by-host", "The device's CAL was requested by another session host", message);
        return cal is null
            ? Problems.NotFound("no-temporary-cal", message)
            : TypedResults.Ok(new SignInResponse(validated, message, cal.ToView()));
    }

    internal static async Task<ProblemHttpResult?> RefuseOutsideSecurityGroupAsync(ClaimsPrincipal user, LicenseStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (user.FindFirst(TokenAuthenticationHandler.SecurityGroupClaim)?.Value == "true") return null;
        var policies = await LicensingPolicies.ReadAsync(store, cancellationToken);
        if (!policies.SecurityGroupEnabled) return null;
        var host = user.Identity!.Name!;
        var message = $"The session host {host} is not a member of this license server's security group (Terminal Server Computers), and the license server security group policy is on. " +
                      $"Add it with 'rdlic hosts group add {host}' or turn the policy off.";
        await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.HostNotInSecurityGroup, message, host, reason: "host-not-in-security-group"), cancellationToken);
        return Problems.Create(StatusCodes.Status403Forbidden, "host-not-in-security-group", "Session host not in the security group", message,
            new Dictionary<string, object?> { ["sessionHost"] = host });
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? FirstWithControlCharacter(params (string Field, string? Value)[] fields) =>
        fields.FirstOrDefault(f => f.Value?.Any(char.IsControl) == true).Field;

    private static string RefusalName(RefusalReason reason) => reason switch
    {
        RefusalReason.NoLicense => "NO_LICENSE",
        _ => reason.ToString(),
    };
}
