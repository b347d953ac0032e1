using RdLicensing.ServiceDefaults;
using RdLicensing.LicenseServer.Apis;
using RdLicensing.LicenseServer.Console;

namespace RdLicensing.LicenseServer.Hosting;

/// <summary>Builds the license server web application; `rdlic server run`, `rdlic up` and the tests all start it here.</summary>
public static class LicenseServerHost
{
    /// <param name="overrides">Replaces services after the defaults, e.g. a fixed CAL validity in tests.</param>
    public static WebApplication Build(LicenseServerOptions options, Action<ILoggingBuilder>? logging = null, Action<IServiceCollection>? overrides = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        builder.Services.AddLicenseServerServices(options);
        overrides?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseProblemDetailsDefaults();
        app.UseRequestBodyLimits();
        app.UseMiddleware<RequestCharsetGate>();
        app.UseAuthentication();
        app.UseLicenseServerRateLimits();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapOpenApi();
        app.MapHealthEndpoints(new { status = "ok" });
        _ = app.Services.GetRequiredService<Licensing.LicensingMetrics>(); // counts from the start, not from the first scrape
        app.MapPrometheusMetrics((services, ct) => services.GetRequiredService<Licensing.LicensingMetrics>().RefreshAsync(ct));
        app.MapSessionHostApi();
        app.MapSessionHostDiagnosticsApi();
        app.MapSessionHostCertificateApi();
        app.MapKeyPacksApi();
        app.MapCalsApi();
        app.MapAdminApi();
        app.MapSessionHostsApi();
        app.MapReportsApi();
        app.MapPropertiesApi();
        app.MapActivationApi();
        app.MapRequestCodesApi();
        app.MapLicensesApi();
        app.MapKeyPackConversionApi();
        app.MapRecoveryApi();
        app.MapReviewApi();
        app.MapDashboardApi();
        app.MapAlertsApi();
        app.MapLicensingManager();
        return app;
    }
}
