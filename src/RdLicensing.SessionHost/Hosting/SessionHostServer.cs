using RdLicensing.SessionHost.Apis;
using RdLicensing.SessionHost.LicenseServers;

namespace RdLicensing.SessionHost.Hosting;

/// <summary>Builds the session host web application; `rdlic sessionhost run`, `rdlic up` and the tests all start it here.</summary>
public static class SessionHostServer
{
    /// <param name="clock">
    /// A clock to share, e.g. the license server's TimeProvider when both run in one process (`rdlic up`, tests):
    /// the host then never advances or persists it. Null: the host's own clock (simulated when
    /// <see cref="SessionHostOptions.SimulatedClock"/>, its offset kept in the host's store).
    /// </param>
    public static WebApplication Build(SessionHostOptions options, TimeProvider? clock = null, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        builder.Services.AddSessionHostServices(options, clock);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok", role = "sessionhost" })).WithTags("Health");
        app.MapConnectionsApi();
        app.MapSessionsApi();
        app.MapConfigApi();
        app.MapEnrollmentsApi();
        app.MapStatusApi();
        app.MapDiagnoseApi();
        app.MapClockApi();
        return app;
    }

    /// <summary>
    /// Puts a started session host beside a license server in-process (what `rdlic up` does): enrolls the host
    /// (<see cref="SessionHostOptions.Name"/>) with the license server's administrator token unless its stored token
    /// still works, stores the token, learns the server's key, and adds the server to the local license server list
    /// unless policy sets the list. The licensing mode is left to the administrator.
    /// </summary>
    public static Task<EnrollmentResult> JoinLicenseServerAsync(this WebApplication sessionHost, string licenseServerUrl, string administratorToken,
        CancellationToken cancellationToken = default) =>
        sessionHost.Services.GetRequiredService<LicenseServerEnrollment>().JoinAsync(licenseServerUrl, administratorToken, cancellationToken);
}
