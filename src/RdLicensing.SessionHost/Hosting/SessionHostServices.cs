using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RdLicensing.Core.Time;
using RdLicensing.ServiceDefaults;
using RdLicensing.SessionHost.Auth;
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
        if (options.Configuration is { } configuration) services.AddSessionHostOptions(configuration);
        services.AddSingleton(hostClock);
        services.AddSingleton(hostClock.Provider);
        services.AddSingleton(new SessionHostStore(new SqliteDialect(options.DatabasePath, SessionHostStore.SqliteMigrations)));
        services.AddSingleton<PolicySource>();
        services.AddSingleton<HostConfiguration>();
        services.AddPrometheusMetrics().AddSingleton<SessionHostMetrics>();
        services.AddHealthChecks().AddReadinessCheck("database", (sp, ct) => sp.GetRequiredService<SessionHostStore>().ProbeAsync(ct));
        services.AddCredentialFreeHttpClientLogging(); // the host token must not reach structured logs
        services.AddSocketErrorsAsHttpErrors(); // a license server that resets the connection is skipped, not fatal
        services.AddHttpClient(LicenseServerCalls.HttpClientName, c => c.Timeout = options.LicenseServerTimeout);
        services.AddSingleton<LicenseServerCalls>();
        services.AddSingleton<LicenseServerList>();
        services.AddSingleton<LicenseServerKeys>();
        services.AddSingleton<LicenseServerEnrollment>();
        services.AddSingleton<RevocationLists>();
        services.AddSingleton<RevocationSync>();
        services.AddSingleton<AdministrativeSessions>();
        services.AddSingleton<HostSessions>();
        services.AddSingleton<SessionWrites>();
        services.AddSingleton<SignInReporter>();
        services.AddSingleton<SessionSignIns>();
        // The RDP endpoint's open connections; empty when the host runs without one (the endpoint registers the same type).
        services.TryAddSingleton<RdLicensing.SessionHost.Rdp.LiveConnections>();
        services.AddSingleton<GraceRecovery>();
        services.AddSingleton<ConnectionDecider>();
        services.AddSingleton<LicensingDiagnoser>();
        services.AddHostedService<SessionHostInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<RevocationSync>());

        services.AddAuthentication(AdminTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, AdminTokenAuthenticationHandler>(AdminTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminTokenAuthenticationHandler.AdminRole, p => p.RequireRole(AdminTokenAuthenticationHandler.AdminRole));

        services.AddFailedAuthenticationLimits(options.FailedAuthenticationsPerWindow, options.FailedAuthenticationWindow, new FailedAuthenticationHints(
            "the session host administrator token rdsa_… is in admin.token in the host's data directory, <data>/sessionhost/admin.token for 'rdlic up'", []));
        services.AddProblemDetailsDefaults();
        services.AddOpenApi(o => o.AddRdLicensingContract(Core.Protocol.ContractEnums.ByProperty));
        return services;
    }
}
