using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RdLicensing.ServiceDefaults;

/// <summary>
/// The health endpoints every service answers, anonymous: <c>/health</c> (as always: the process answers, with the
/// service's body), <c>/health/live</c> (liveness: the process answers — no check runs) and <c>/health/ready</c>
/// (readiness: every check tagged <see cref="ReadyTag"/>, e.g. the database answers a query with its migrations applied;
/// 503 with each failing check's reason otherwise).
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    /// <summary>How long one readiness check may take before it counts as failed.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A readiness check: <paramref name="probe"/> answers null when ready, else the reason it is not.</summary>
    public static IHealthChecksBuilder AddReadinessCheck(this IHealthChecksBuilder builder, string name,
        Func<IServiceProvider, CancellationToken, Task<string?>> probe) =>
        builder.Add(new HealthCheckRegistration(name, sp => new ProbeCheck(sp, probe), HealthStatus.Unhealthy, [ReadyTag], CheckTimeout));

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app, object healthBody)
    {
        app.MapGet("/health", () => TypedResults.Ok(healthBody)).WithTags("Health").AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).WithTags("Health").AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .WithTags("Health").AllowAnonymous();
    }

    private sealed class ProbeCheck(IServiceProvider services, Func<IServiceProvider, CancellationToken, Task<string?>> probe) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                return await probe(services, cancellationToken) is { } reason ? HealthCheckResult.Unhealthy(reason) : HealthCheckResult.Healthy();
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"no answer within {CheckTimeout.TotalSeconds:0} s");
            }
        }
    }

    /// <summary>{"status": "healthy"|"unhealthy", "checks": [{"name", "status", "reason"}]}; a timed-out check says so.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status == HealthStatus.Healthy ? "healthy" : "unhealthy",
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status == HealthStatus.Healthy ? "healthy" : "unhealthy",
                reason = e.Value.Status == HealthStatus.Healthy ? null
                    : e.Value.Description ?? (e.Value.Exception is OperationCanceledException ? $"no answer within {CheckTimeout.TotalSeconds:0} s" : e.Value.Exception?.Message),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, WireJson.Options), context.RequestAborted);
    }
}
