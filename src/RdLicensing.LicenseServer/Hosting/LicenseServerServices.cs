using RdLicensing.LicenseServer.Console;
using RdLicensing.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Time;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Configuration;
using RdLicensing.LicenseServer.Activation;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.LicenseServer.Recovery;
using RdLicensing.LicenseServer.Remote;
using RdLicensing.LicenseServer.Reports;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Hosting;

public static class LicenseServerServices
{
    public static IServiceCollection AddLicenseServerServices(this IServiceCollection services, LicenseServerOptions options)
    {
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        if (options.Configuration is { } configuration) services.AddLicenseServerOptions(configuration);
        services.AddSingleton<TimeProvider>(options.Clock == ClockMode.Simulated ? new SimulatedTimeProvider(TimeProvider.System) : TimeProvider.System);
        // A factory, so the container disposes the dialect (PostgreSQL's connection pool) with the server.
        services.AddSingleton<IStoreDialect>(_ => StoreDialects.ForLicenseServer(options.Database, options.DatabasePath));
        services.AddSingleton(sp =>
        {
            var log = sp.GetRequiredService<ILogger<LicenseStore>>();
            return new LicenseStore(sp.GetRequiredService<IStoreDialect>())
            {
                TokenDigestsNotWritten = e => log.LogWarning("CAL token digests were not recorded ({Error}: {Message}); the devices' next presentations are checked by signature instead",
                    e.GetType().Name, e.Message),
            };
        });
        services.AddSingleton<ServerState>();
        services.AddSingleton<IPermanentValidity, RandomPermanentValidity>();
        services.AddSingleton<PerDeviceCalPolicy>();
        services.AddSingleton<CalIssuer>();
        services.AddPrometheusMetrics();
        services.AddSingleton<LicensingMetrics>();
        services.AddSingleton<VerifiedCalTokens>(_ => new VerifiedCalTokens());
        services.AddSingleton<KeyPackInstaller>();
        services.AddSingleton<ActivationInstaller>();
        services.AddSingleton<RevocationService>();
        services.AddSingleton<RevocationListPublisher>();
        services.AddSingleton<CalUsageReport>();
        services.AddTransient<KeyPackReleaser>();
        services.AddSingleton<MigratedAwayRecorder>();
        services.AddSingleton<DatabaseBackup>();
        services.AddCredentialFreeHttpClientLogging();
        services.AddSocketErrorsAsHttpErrors();
        // Services that call other servers take a typed HttpClient, so they are transient like it.
        services.AddHttpClient<ClearinghouseClient>(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddHttpClient<SourceServerClient>(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddTransient<ActivationService>();
        services.AddTransient<PendingKeyService>();
        services.AddTransient<RequestCodeService>();
        services.AddTransient<LicenseInstallService>();
        services.AddTransient<KeyPackConversionService>();
        services.AddTransient<MigrationService>();
        services.AddTransient<DatabaseRebuilder>();
        services.AddHostedService<ServerInitializer>();
        services.AddHostedService<ExpirySweeper>();
        services.AddHostedService<SharedStateRefresher>();
        services.AddHttpClient(Alerts.AlertNotifier.HttpClientName, c => c.Timeout = Alerts.AlertNotifier.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false }) // a signed alert goes where it was configured, nowhere else
            .RemoveAllLoggers(); // a webhook's path may hold a token (chat webhooks): its URL is never logged
        services.AddSingleton<Alerts.AlertNotifier>();
        services.AddSingleton<Alerts.AlertMonitor>();
        services.AddHostedService<Alerts.AlertMonitorService>();

        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(TokenAuthenticationHandler.AdminRole, p => p.RequireRole(TokenAuthenticationHandler.AdminRole))
            .AddPolicy(TokenAuthenticationHandler.SessionHostRole, p => p.RequireRole(TokenAuthenticationHandler.SessionHostRole));

        services.AddLicenseServerRateLimits(options.RateLimits);
        services.AddLicensingManager(options);
        services.AddHealthChecks()
            .AddReadinessCheck("database", (sp, ct) => sp.GetRequiredService<LicenseStore>().ProbeAsync(ct))
            .AddReadinessCheck("identity", (sp, _) => Task.FromResult(sp.GetRequiredService<ServerState>().IsInitialized
                ? null : "the license server's identity is not loaded yet (still starting, or its start failed: see the log)"));
        services.AddProblemDetailsDefaults();
        services.AddOpenApi(o => o.AddRdLicensingContract(Core.Protocol.ContractEnums.ByProperty));
        return services;
    }
}
