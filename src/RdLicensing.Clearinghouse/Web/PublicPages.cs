using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Activation;
using static RdLicensing.Clearinghouse.Web.Html;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// The clearinghouse web site for the Web Browser connection method: an administrator on any machine with a
/// browser types the request code the license server made (and company information, or license identifiers) and copies
/// back the code, which works only on that server.
/// </summary>
public static class PublicPages
{
    public static IEndpointRouteBuilder MapPublicPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").WithTags("Web site").AllowAnonymous().ExcludeFromDescription();
        pages.MapGet("/", Index);
        pages.MapGet("/activate", ActivateForm);
        pages.MapPost("/activate", Activate);
        pages.MapGet("/install", InstallLicensesForm);
        pages.MapPost("/install", InstallLicenses);
        pages.MapGet("/deactivate", DeactivateForm);
        pages.MapPost("/deactivate", Deactivate);
        pages.MapGet("/telephone", Telephone);
        return app;
    }

    public static ContentHttpResult Index() => Page("RdLicensing Clearinghouse", """
        <p>The clearinghouse activates Remote Desktop license servers and grants them the client access licenses (CALs) you bought.
        License servers that can reach it use it directly (the automatic connection method); from here you can do the same with a web browser
        on any machine, and copy the result to the license server.</p>
        <ul>
        <li><a href="/activate">Activate a license server</a> — type the request code it shows and your company information; you get its License Server ID.</li>
        <li><a href="/install">Install licenses</a> — type the license server's request code and your license code, Open License or agreement number; you get a license key pack ID.</li>
        <li><a href="/deactivate">Deactivate a license server</a> — type its deactivation request code; you get the confirmation code it needs.</li>
        <li><a href="/telephone">Telephone numbers</a> — call the clearinghouse and an operator reads the codes to you.</li>
        <li><a href="/operator">Operator console</a> — for the clearinghouse's telephone operators.</li>
        </ul>
        <p>Each request code is made and signed by the license server itself and is good once: a Product ID alone is not enough here, and every code
        this site gives works only on the license server that asked.</p>
        <p>License servers trust this clearinghouse through its certificate, <code>clearinghouse.pem</code> in its data directory.
        The API is described at <a href="/openapi/v1.json">/openapi/v1.json</a>.</p>
        """);

    public static ContentHttpResult ActivateForm(HttpRequest request) =>
        Page("Activate a license server", ActivationForm.Render("/activate", FormValues.Query(request), new FormErrors()));

    public static async Task<ContentHttpResult> Activate(HttpRequest request, ActivationService activations, CancellationToken cancellationToken)
    {
        var form = await FormValues.ReadAsync(request, cancellationToken);
        var errors = new FormErrors();
        if (form is null)
        {
            errors.Add("", "Submit the activation form.");
            return Page("Activate a license server", ActivationForm.Render("/activate", FormValues.Empty, errors), StatusCodes.Status400BadRequest);
        }
        try
        {
            var (requestCode, company, reason) = ActivationForm.Read(form);
            var activation = await activations.ActivateWithCodeAsync(requestCode, company, reason, "web", cancellationToken);
            return Page("License server activated", ActivationForm.Result(activation, readBack: false));
        }
        catch (ClearinghouseRefusal refusal)
        {
            RefusalLog.Write(request, refusal);
            errors.Add(refusal.Field, refusal.Detail);
            return Page("Activate a license server", ActivationForm.Render("/activate", form, errors), refusal.Status);
        }
    }

    public static ContentHttpResult InstallLicensesForm(HttpRequest request) =>
        Page("Install licenses", InstallForm.Render("/install", FormValues.Query(request), new FormErrors()));

    public static async Task<ContentHttpResult> InstallLicenses(HttpRequest request, LicenseInstallService installs, CancellationToken cancellationToken)
    {
        var form = await FormValues.ReadAsync(request, cancellationToken) ?? FormValues.Empty;
        var errors = new FormErrors();
        if (InstallForm.Read(form, errors) is not var (requestCode, licenses))
            return Page("Install licenses", InstallForm.Render("/install", form, errors), StatusCodes.Status400BadRequest);
        try
        {
            var pack = await installs.InstallWithCodeAsync(requestCode, licenses, cancellationToken);
            return Page("Licenses granted", InstallForm.Result(pack, readBack: false));
        }
        catch (ClearinghouseRefusal refusal)
        {
            RefusalLog.Write(request, refusal);
            errors.Add(refusal.Field, refusal.Detail);
            return Page("Install licenses", InstallForm.Render("/install", form, errors), refusal.Status);
        }
    }

    public static ContentHttpResult DeactivateForm(HttpRequest request) =>
        Page("Deactivate a license server", DeactivationForm.Render("/deactivate", FormValues.Query(request), new FormErrors()));

    public static async Task<ContentHttpResult> Deactivate(HttpRequest request, ActivationService activations, CancellationToken cancellationToken)
    {
        var form = await FormValues.ReadAsync(request, cancellationToken) ?? FormValues.Empty;
        var errors = new FormErrors();
        try
        {
            var answer = await activations.DeactivateWithCodeAsync(form("requestCode"), form("firstName"), form("lastName"), cancellationToken);
            return Page("License server deactivated", DeactivationForm.Result(answer, readBack: false));
        }
        catch (ClearinghouseRefusal refusal)
        {
            RefusalLog.Write(request, refusal);
            errors.Add(refusal.Field, refusal.Detail);
            return Page("Deactivate a license server", DeactivationForm.Render("/deactivate", form, errors), refusal.Status);
        }
    }

    public static ContentHttpResult Telephone() => Page("Telephone numbers",
        "<p>For the telephone connection method, call the clearinghouse in your country or region. Have the license server's request code ready " +
        "(rdlic server activate --method telephone, or the wizard); the operator types what you read and reads the License Server ID, license key pack ID " +
        "or confirmation code back to you, group by group.</p>" +
        Table(["Country/Region", "Telephone number"], TelephoneDirectory.Entries.Select(e => new[] { e.CountryRegion, e.Number })));
}
