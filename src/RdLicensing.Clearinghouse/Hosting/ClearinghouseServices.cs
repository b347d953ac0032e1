using RdLicensing.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;
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
        if (options.Configuration is { } configuration) services.AddClearinghouseOptions(configuration);
        services.AddSingleton(clock);
        OwnerOnlyDirectory.Ensure(options.DataDirectory); // signing key, admin token, database: 0700, tightened when found open
        services.AddSingleton(new ClearinghouseStore(new SqliteDialect(options.DatabasePath, SqliteDialect.ClearinghouseMigrations)));
        services.AddSingleton<ClearinghouseKeys>();
        services.AddPrometheusMetrics().AddSingleton<ClearinghouseMetrics>();
        services.AddHealthChecks().AddReadinessCheck("database", (sp, ct) => sp.GetRequiredService<ClearinghouseStore>().ProbeAsync(ct));
        services.AddSingleton<ActivationService>();
        services.AddSingleton<LicenseServerVerifier>();
        services.AddSingleton<GrantSigner>();
        services.AddSingleton<LicenseInstallService>();
        services.AddSingleton<ReissueService>();
        services.AddSingleton<MigrationService>();
        services.AddSingleton<ConversionService>();
        services.AddSingleton<VendorKeyRecording>();
        services.AddSingleton<VendorCatalog>();
        services.AddSingleton<Abuse.UnrecognizedIdentifiers>();
        services.AddRazorComponents();
        services.AddOperatorAuthentication(options);
        services.AddHostedService<ClearinghouseInitializer>();

        services.AddAuthentication(AdminTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, AdminTokenAuthenticationHandler>(AdminTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminTokenAuthenticationHandler.AdminRole, p => p.RequireRole(AdminTokenAuthenticationHandler.AdminRole));

        services.AddFailedAuthenticationLimits(options.RateLimits.FailedAuthenticationsPerWindow, options.RateLimits.FailedAuthenticationWindow,
            new FailedAuthenticationHints("the clearinghouse administrator token rdca_… is in the clearinghouse data directory's admin.token", ["/operator/login"]));
        services.AddProblemDetailsDefaults();
        // Forms are small: a few fields of company information or a code.
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o =>
        {
            o.ValueCountLimit = 64;
            o.ValueLengthLimit = 4096;
            o.MultipartBodyLengthLimit = 64 * 1024;
        });
        services.AddOpenApi(o => o.AddRdLicensingContract(Core.Protocol.ContractEnums.ByProperty));
        return services;
    }
}
