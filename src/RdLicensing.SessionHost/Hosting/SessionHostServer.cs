using RdLicensing.ServiceDefaults;
using RdLicensing.SessionHost.Apis;
using RdLicensing.SessionHost.LicenseServers;

namespace RdLicensing.SessionHost.Hosting;

/// <summary>
/// Builds the session host web application; `rdlic sessionhost run`, `rdlic up` and the tests all start it here.
/// Administration (configuration, enrollment, status, events, diagnose, clock, the session list) needs the
/// administrator token; what a client device does (connect, sign in, report activity, end its session) does not.
/// </summary>
public static class SessionHostServer
{
    /// <param name="clock">
    /// A clock to share, e.g. the license server's TimeProvider when both run in one process (`rdlic up`, tests):
    /// the host then never advances or persists it. Null: the host's own clock (simulated when
    /// <see cref="SessionHostOptions.SimulatedClock"/>, its offset kept in the host's store).
    /// </param>
    /// <param name="services">More front ends to run in the same host, e.g. the RDP endpoint (RdLicensing.Rdp).</param>
    public static WebApplication Build(SessionHostOptions options, TimeProvider? clock = null, Action<ILoggingBuilder>? logging = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        builder.Services.AddSessionHostServices(options, clock);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseProblemDetailsDefaults();
        app.UseRequestBodyLimits();
        app.UseAuthentication();
        app.UseFailedAuthenticationLimits();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapHealthEndpoints(new { status = "ok", role = "sessionhost" });
        _ = app.Services.GetRequiredService<Diagnostics.SessionHostMetrics>();
        app.MapPrometheusMetrics();
        app.MapConnectionsApi();
        app.MapSessionsApi();
        app.MapConfigApi();
        app.MapEnrollmentsApi();
        app.MapStatusApi();
        app.MapDiagnoseApi();
        app.MapClockApi();
        return app;
    }

    /// <summary>What the administrative endpoints require: the administrator token of &lt;data-dir&gt;/admin.token.</summary>
    internal static TBuilder RequireAdministrator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Auth.AdminTokenAuthenticationHandler.AdminRole);

    /// <summary>
    /// Puts a started session host beside a license server in-process (what `rdlic up` does): enrolls the host
    /// (<see cref="SessionHostOptions.Name"/>) with the license server's administrator token unless its stored token
    /// still works, stores the token, learns the server's key, and adds the server to the local license server list
    /// unless policy sets the list. The licensing mode is left to the administrator. In-process, so it needs no
    /// session host credential.
    /// </summary>
    public static Task<EnrollmentResult> JoinLicenseServerAsync(this WebApplication sessionHost, string licenseServerUrl, string administratorToken,
        CancellationToken cancellationToken = default) =>
        sessionHost.Services.GetRequiredService<LicenseServerEnrollment>().JoinAsync(licenseServerUrl, administratorToken, cancellationToken);
}
