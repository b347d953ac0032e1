using RdLicensing.ServiceDefaults;
using RdLicensing.Clearinghouse.Abuse;
using RdLicensing.Clearinghouse.Apis;
using RdLicensing.Clearinghouse.Web;
using RdLicensing.Clearinghouse.Web.Components;

namespace RdLicensing.Clearinghouse.Hosting;

/// <summary>Builds the clearinghouse web application; `rdlic clearinghouse run`, `rdlic up` and the tests all start it here.</summary>
public static class ClearinghouseHost
{
    /// <param name="clock">Shared with a license server in the same process (`rdlic up --clock simulated`); the system clock otherwise.</param>
    public static WebApplication Build(ClearinghouseOptions options, TimeProvider? clock = null, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        builder.Services.AddClearinghouseServices(options, clock ?? TimeProvider.System);

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseProblemDetailsDefaults();
        app.UseRequestBodyLimits();
        app.UseAuthentication();
        app.UseFailedAuthenticationLimits();
        app.UseAuthorization();
        app.UseServerProofs();
        app.UseAntiforgery();
        app.UseUnrecognizedIdentifierLimitsOnPages(); // the Razor pages are not behind the endpoint filter below
        app.MapOpenApi();
        app.MapHealthEndpoints(new { status = "ok" });
        _ = app.Services.GetRequiredService<ClearinghouseMetrics>();
        app.MapPrometheusMetrics();
        // Every anonymous or per-server route counts unrecognized identifiers and refuses a locked-out address or Product ID.
        var guarded = app.MapGroup("").AddEndpointFilter<Abuse.UnrecognizedIdentifierFilter>();
        guarded.MapActivationApi();
        guarded.MapLicensesApi();
        guarded.MapTelephoneApi();
        app.MapVendorAdminApi();
        // The web site and the operator console: Razor components rendered on the server (static SSR), framework antiforgery on every form.
        app.MapOperatorSignOut();
        Web.SiteAssets.Map(app); // the stylesheets the pages link
        app.MapRazorComponents<App>();
        return app;
    }
}
