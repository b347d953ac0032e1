using Microsoft.AspNetCore.Diagnostics;
using RdLicensing.Core.Time;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.SessionHost.Connections;
using RdLicensing.SessionHost.Diagnostics;
using RdLicensing.SessionHost.LicenseServers;
using RdLicensing.Storage;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.SessionHost.Hosting;

public static class SessionHostServices
{
    public static IServiceCollection AddSessionHostServices(this IServiceCollection services, SessionHostOptions options, TimeProvider? clock = null)
    {
        var hostClock = clock is not null
            ? new HostClock(clock, OwnedByHost: false)
            : new HostClock(options.SimulatedClock ? new SimulatedTimeProvider(TimeProvider.System) : TimeProvider.System, OwnedByHost: true);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSingleton(hostClock);
        services.AddSingleton(hostClock.Provider);
        services.AddSingleton(new SessionHostStore(new SqliteDialect(options.DatabasePath, SessionHostStore.SqliteMigrations)));
        services.AddSingleton<HostConfiguration>();
        services.AddHttpClient(LicenseServerCalls.HttpClientName, c => c.Timeout = options.LicenseServerTimeout);
        services.AddSingleton<LicenseServerCalls>();
        services.AddSingleton<LicenseServerList>();
        services.AddSingleton<LicenseServerKeys>();
        services.AddSingleton<LicenseServerEnrollment>();
        services.AddSingleton<AdministrativeSessions>();
        services.AddSingleton<HostSessions>();
        services.AddSingleton<SignInReporter>();
        services.AddSingleton<ConnectionDecider>();
        services.AddSingleton<LicensingDiagnoser>();
        services.AddHostedService<SessionHostInitializer>();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Framework-generated problems (unknown route, wrong method, server fault) get stable types too.
            if (context.ProblemDetails.Type?.StartsWith(Apis.Problems.TypePrefix, StringComparison.Ordinal) == true) return;
            context.ProblemDetails.Type = Apis.Problems.TypePrefix + (context.ProblemDetails.Status switch
            {
                404 => "not-found",
                405 => "method-not-allowed",
                415 => "unsupported-media-type",
                400 => "malformed-request",
                _ => "internal-error",
            });
        });
        services.AddExceptionHandler<MalformedRequestHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = 16);
        services.AddOpenApi();
        return services;
    }
}

/// <summary>A body that is not JSON, or JSON of the wrong shape, becomes a 400 ProblemDetails that says so.</summary>
internal sealed class MalformedRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Type = Apis.Problems.TypePrefix + "malformed-request",
                Title = "The request could not be read",
                Detail = bad.InnerException is System.Text.Json.JsonException json ? $"The request body is not valid JSON for this call: {json.Message}" : bad.Message,
            },
        });
    }
}
