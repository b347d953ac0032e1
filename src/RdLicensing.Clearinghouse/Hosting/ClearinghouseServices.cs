using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using RdLicensing.Clearinghouse.Apis;
using RdLicensing.Clearinghouse.Auth;
using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Clearinghouse.Web;
using RdLicensing.Storage;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.Clearinghouse.Hosting;

public static class ClearinghouseServices
{
    public static IServiceCollection AddClearinghouseServices(this IServiceCollection services, ClearinghouseOptions options, TimeProvider clock)
    {
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSingleton(clock);
        services.AddSingleton(new ClearinghouseStore(new SqliteDialect(options.DatabasePath, SqliteDialect.ClearinghouseMigrations)));
        services.AddSingleton<ClearinghouseKeys>();
        services.AddSingleton<ActivationService>();
        services.AddSingleton<LicenseServerVerifier>();
        services.AddSingleton<GrantSigner>();
        services.AddSingleton<LicenseInstallService>();
        services.AddSingleton<ReissueService>();
        services.AddSingleton<MigrationService>();
        services.AddSingleton<VendorCatalog>();
        services.AddSingleton<OperatorSessions>();
        services.AddHostedService<ClearinghouseInitializer>();

        services.AddAuthentication(AdminTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, AdminTokenAuthenticationHandler>(AdminTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminTokenAuthenticationHandler.AdminRole, p => p.RequireRole(AdminTokenAuthenticationHandler.AdminRole));

        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Framework-generated problems (unknown route, wrong method, server fault) get stable types of ours too.
            if (context.ProblemDetails.Type?.StartsWith(Problems.TypePrefix, StringComparison.Ordinal) == true) return;
            context.ProblemDetails.Type = Problems.TypePrefix + (context.ProblemDetails.Status switch
            {
                404 => "not-found",
                405 => "method-not-allowed",
                415 => "unsupported-media-type",
                400 => "malformed-request",
                _ => "internal-error",
            });
        });
        services.AddExceptionHandler<BadRequestHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = 16);
        // Forms are small: a few fields of company information or a code.
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o =>
        {
            o.ValueCountLimit = 64;
            o.ValueLengthLimit = 4096;
            o.MultipartBodyLengthLimit = 64 * 1024;
        });
        services.AddOpenApi();
        return services;
    }
}

/// <summary>A body that is not JSON, or JSON of the wrong shape, becomes a 400 ProblemDetails that says so.</summary>
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
                Type = Problems.TypePrefix + "malformed-request",
                Title = "The request could not be read",
                Detail = detail,
            },
        });
    }
}
