using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Events;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>Enrollment of session hosts (only they may ask for CALs) and the security group.</summary>
public static class SessionHostsApi
{
    public static RouteGroupBuilder MapSessionHostsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/sessionhosts").WithTags("Session host enrollment").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapGet("/", List);
        api.MapPost("/", Enroll).WithSummary("Enroll a session host, or issue a new token to an enrolled one. The token is shown once.");
        api.MapDelete("/{name}", Remove);
        api.MapPut("/{name}/security-group", SetSecurityGroup).WithSummary("Add the host to, or remove it from, the license server security group.");
        return api;
    }

    public static async Task<Ok<IEnumerable<SessionHostView>>> List(LicenseStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.SessionHostsAsync(cancellationToken)).Select(h => h.ToView()));

    public static async Task<Results<Ok<EnrollResponse>, ProblemHttpResult>> Enroll(EnrollBody body, LicenseStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 253 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            return Problems.Invalid("name", "name must be the session host's computer name: 1 to 253 letters, digits, '-', '.', '_'.");
        var token = LicenseStore.NewToken("rdlh");
        var now = clock.GetUtcNow();
        var isNew = await store.WriteAsync(async s =>
        {
            var created = await s.EnrollSessionHostAsync(name, token, body.InSecurityGroup ?? false, now);
            await s.AddEventAsync(now, LicensingEventId.SessionHostEnrolled,
                created ? $"Session host {name} was enrolled." : $"Session host {name} was given a new credential; the old one no longer works.", name);
            return created;
        }, cancellationToken);
        var host = (await store.SessionHostsAsync(cancellationToken)).Single(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
        return TypedResults.Ok(new EnrollResponse(host.ToView(), token, isNew));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Remove(string name, LicenseStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var removed = await store.WriteAsync(async s =>
        {
            if (!await s.RemoveSessionHostAsync(name)) return false;
            await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.SessionHostRemoved, $"Session host {name} was removed; its credential no longer works.", name);
            return true;
        }, cancellationToken);
        return removed ? TypedResults.NoContent() : Problems.NotFound("session-host-not-found", $"No session host named {name} is enrolled. List them with 'rdlic hosts list'.");
    }

    public static async Task<Results<Ok<SessionHostView>, ProblemHttpResult>> SetSecurityGroup(
        string name, SecurityGroupBody body, LicenseStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (body.Member is not { } member) return Problems.Invalid("member", "member must be true (add to the security group) or false (remove).");
        var changed = await store.WriteAsync(async s =>
        {
            if (!await s.SetSecurityGroupAsync(name, member)) return false;
            await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.SessionHostSecurityGroupChanged,
                $"Session host {name} was {(member ? "added to" : "removed from")} the license server security group.", name);
            return true;
        }, cancellationToken);
        if (!changed) return Problems.NotFound("session-host-not-found", $"No session host named {name} is enrolled. Enroll it with 'rdlic hosts enroll {name}'.");
        return TypedResults.Ok((await store.SessionHostsAsync(cancellationToken)).Single(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).ToView());
    }
}
