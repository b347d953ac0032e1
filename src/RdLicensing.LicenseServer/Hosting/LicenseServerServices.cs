using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Time;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Activation;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.LicenseServer.Recovery;
using RdLicensing.LicenseServer.Remote;
using RdLicensing.LicenseServer.Reports;
using RdLicensing.Storage;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.LicenseServer.Hosting;

public static class LicenseServerServices
{
    public static IServiceCollection AddLicenseServerServices(this IServiceCollection services, LicenseServerOptions options)
    {
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSingleton<TimeProvider>(options.Clock == ClockMode.Simulated ? new SimulatedTimeProvider(TimeProvider.System) : TimeProvider.System);
        services.AddSingleton<IStoreDialect>(new SqliteDialect(options.DatabasePath));
        services.AddSingleton<LicenseStore>();
        services.AddSingleton<ServerState>();
        services.AddSingleton<IPermanentValidity, RandomPermanentValidity>();
        services.AddSingleton<PerDeviceCalPolicy>();
        services.AddSingleton<CalIssuer>();
        services.AddSingleton<KeyPackInstaller>();
        services.AddSingleton<ActivationInstaller>();
        services.AddSingleton<RevocationService>();
        services.AddSingleton<CalUsageReport>();
        services.AddSingleton<KeyPackRemover>();
        services.AddSingleton<DatabaseBackup>();
        // Services that call other servers take a typed HttpClient, so they are transient like it.
        services.AddHttpClient<ClearinghouseClient>(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddHttpClient<SourceServerClient>(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddTransient<ActivationService>();
        services.AddTransient<LicenseInstallService>();
        services.AddTransient<MigrationService>();
        services.AddTransient<DatabaseRebuilder>();
        services.AddHostedService<ServerInitializer>();
        services.AddHostedService<ExpirySweeper>();

        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(TokenAuthenticationHandler.AdminRole, p => p.RequireRole(TokenAuthenticationHandler.AdminRole))
            .AddPolicy(TokenAuthenticationHandler.SessionHostRole, p => p.RequireRole(TokenAuthenticationHandler.SessionHostRole));

        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Framework-generated problems (unknown route, wrong method, server fault) get stable types of ours too.
            if (context.ProblemDetails.Type?.StartsWith(Apis.Problems.TypePrefix, StringComparison.Ordinal) == true) return;
            context.ProblemDetails.Type = Apis.Problems.TypePrefix + (context.ProblemDetails.Status switch
            {
                404 => "not-found",
                405 => "method-not-allowed",
                415 => "unsupported-media-type",
                400 => "malformed-request",
                502 => "bad-gateway",
                _ => "internal-error",
            });
        });
        services.AddExceptionHandler<BadRequestHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = 16);
        services.AddOpenApi();
        return services;
    }
}

/// <summary>
/// Turns a body that is not JSON, or JSON of the wrong shape, into a 400 ProblemDetails that says so.
/// Only BadHttpRequestException is handled here; anything else stays a 500.
/// </summary>
internal sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        context.Response.StatusCode = bad.StatusCode;
        var detail = bad.InnerException is System.Text.Json.JsonException json
            ? $"The request body is not valid JSON for this call: {json.Message}"
            : bad.Message;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Type = Apis.Problems.TypePrefix + "malformed-request",
                Title = "The request could not be read",
                Detail = detail,
            },
        });
    }
}
