using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;
using static RdLicensing.Clearinghouse.Web.Html;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// The telephone operator's console: the operator signs in with the clearinghouse admin token, types what the
/// caller reads (the license server's request code, with company information or license identifiers), and reads the result back group
/// by group. Every POST needs the session cookie and the session's form token.
/// </summary>
public static class OperatorPages
{
    private const string ConsoleTitle = "Telephone operator console";

    public static IEndpointRouteBuilder MapOperatorPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/operator").WithTags("Web site").AllowAnonymous().ExcludeFromDescription();
        pages.MapGet("/login", LoginForm);
        pages.MapPost("/login", Login);
        pages.MapPost("/logout", Logout);
        pages.MapGet("", Console);
        pages.MapPost("/activate", Activate);
        pages.MapPost("/install", Install);
        pages.MapPost("/deactivate", Deactivate);
        return app;
    }

    public static ContentHttpResult LoginForm() => LoginPage(new FormErrors(), StatusCodes.Status200OK);

    private static ContentHttpResult LoginPage(FormErrors errors, int status) => Page("Operator sign-in", $"""
        <p>Sign in with the clearinghouse administrator token (the <code>admin.token</code> file in the clearinghouse data directory).</p>
        <form method="post" action="/operator/login">
        {Input("token", "Administrator token", null, errors, required: true, type: "password")}
        <p><button type="submit">Sign in</button></p>
        </form>
        """, status);

    public static async Task<Results<RedirectHttpResult, ContentHttpResult>> Login(
        HttpContext context, ClearinghouseStore store, OperatorSessions sessions, CancellationToken cancellationToken)
    {
        var form = await FormValues.ReadAsync(context.Request, cancellationToken) ?? FormValues.Empty;
        var token = form("token")?.Trim() ?? "";
        if (token.Length is 0 or > 200 || !await store.IsAdminTokenAsync(token, cancellationToken))
        {
            var errors = new FormErrors();
            errors.Add("token", "That is not the clearinghouse administrator token: copy it from admin.token in the clearinghouse data directory.");
            return LoginPage(errors, StatusCodes.Status401Unauthorized);
        }
        sessions.Start(context.Response, context.Request.IsHttps);
        return TypedResults.Redirect("/operator");
    }

    public static async Task<RedirectHttpResult> Logout(HttpContext context, OperatorSessions sessions, CancellationToken cancellationToken)
    {
        var form = await FormValues.ReadAsync(context.Request, cancellationToken) ?? FormValues.Empty;
        if (sessions.FindForForm(context.Request, form(OperatorSessions.FormTokenField)) is not null) sessions.End(context.Request, context.Response);
        return TypedResults.Redirect("/operator/login");
    }

    public static async Task<Results<RedirectHttpResult, ContentHttpResult>> Console(
        HttpRequest request, OperatorSessions sessions, ClearinghouseStore store, CancellationToken cancellationToken)
    {
        if (sessions.Find(request) is not { } session) return TypedResults.Redirect("/operator/login");
        return await ConsolePage(session, store, "", null, FormValues.Empty, new FormErrors(), StatusCodes.Status200OK, cancellationToken);
    }

    public static async Task<Results<RedirectHttpResult, ContentHttpResult>> Activate(
        HttpRequest request, OperatorSessions sessions, ClearinghouseStore store, ActivationService activations, CancellationToken cancellationToken)
    {
        var form = await FormValues.ReadAsync(request, cancellationToken) ?? FormValues.Empty;
        if (sessions.FindForForm(request, form(OperatorSessions.FormTokenField)) is not { } session) return TypedResults.Redirect("/operator/login");
        var errors = new FormErrors();
        try
        {
            var (requestCode, company, reason) = ActivationForm.Read(form);
            var activation = await activations.ActivateWithCodeAsync(requestCode, company, reason, "telephone", cancellationToken);
            return await ConsolePage(session, store, ActivationForm.Result(activation, readBack: true), null, FormValues.Empty, errors, StatusCodes.Status200OK, cancellationToken);
        }
        catch (ClearinghouseRefusal refusal)
        {
            RefusalLog.Write(request, refusal);
            errors.Add(refusal.Field, refusal.Detail);
            return await ConsolePage(session, store, "", "activate", form, errors, refusal.Status, cancellationToken);
        }
    }

    public static async Task<Results<RedirectHttpResult, ContentHttpResult>> Install(
        HttpRequest request, OperatorSessions sessions, ClearinghouseStore store, LicenseInstallService installs, CancellationToken cancellationToken)
    {
        var form = await FormValues.ReadAsync(request, cancellationToken) ?? FormValues.Empty;
        if (sessions.FindForForm(request, form(OperatorSessions.FormTokenField)) is not { } session) return TypedResults.Redirect("/operator/login");
        var errors = new FormErrors();
        if (InstallForm.Read(form, errors) is not var (requestCode, licenses))
            return await ConsolePage(session, store, "", "install", form, errors, StatusCodes.Status400BadRequest, cancellationToken);
        try
        {
            var pack = await installs.InstallWithCodeAsync(requestCode, licenses, cancellationToken);
            return await ConsolePage(session, store, InstallForm.Result(pack, readBack: true), null, FormValues.Empty, errors, StatusCodes.Status200OK, cancellationToken);
        }
        catch (ClearinghouseRefusal refusal)
        {
            RefusalLog.Write(request, refusal);
            errors.Add(refusal.Field, refusal.Detail);
            return await ConsolePage(session, store, "", "install", form, errors, refusal.Status, cancellationToken);
        }
    }

    public static async Task<Results<RedirectHttpResult, ContentHttpResult>> Deactivate(
        HttpRequest request, OperatorSessions sessions, ClearinghouseStore store, ActivationService activations, CancellationToken cancellationToken)
    {
        var form = await FormValues.ReadAsync(request, cancellationToken) ?? FormValues.Empty;
        if (sessions.FindForForm(request, form(OperatorSessions.FormTokenField)) is not { } session) return TypedResults.Redirect("/operator/login");
        var errors = new FormErrors();
        try
        {
            var answer = await activations.DeactivateWithCodeAsync(form("requestCode"), form("firstName"), form("lastName"), cancellationToken);
            return await ConsolePage(session, store, DeactivationForm.Result(answer, readBack: true), null, FormValues.Empty, errors, StatusCodes.Status200OK, cancellationToken);
        }
        catch (ClearinghouseRefusal refusal)
        {
            RefusalLog.Write(request, refusal);
            errors.Add(refusal.Field, refusal.Detail);
            return await ConsolePage(session, store, "", "deactivate", form, errors, refusal.Status, cancellationToken);
        }
    }

    /// <param name="failedForm">"activate" | "install" | "deactivate": the form shown again with what was typed and its errors.</param>
    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> ConsolePage(OperatorSessions.Session session, ClearinghouseStore store, string result,
        string? failedForm, Func<string, string?> typed, FormErrors errors, int status, CancellationToken cancellationToken)
    {
        Func<string, string?> Values(string form) => form == failedForm ? typed : FormValues.Empty;
        FormErrors Errors(string form) => form == failedForm ? errors : new FormErrors();
        var hidden = Hidden(OperatorSessions.FormTokenField, session.FormToken);
        var activations = await store.ActivationsAsync(10, cancellationToken);
        var installs = await store.InstallsAsync(10, cancellationToken);
        return Page(ConsoleTitle, $"""
            <form method="post" action="/operator/logout">{hidden}<button type="submit">Sign out</button></form>
            {result}
            <p>Ask the caller for the request code the license server shows for what they want; it names the server and proves the request comes from it.</p>
            <h2>Activate or reactivate a license server (telephone)</h2>
            {ActivationForm.Render("/operator/activate", Values("activate"), Errors("activate"), hidden)}
            <h2>Install licenses (telephone)</h2>
            {InstallForm.Render("/operator/install", Values("install"), Errors("install"), hidden)}
            <h2>Deactivate a license server (telephone)</h2>
            {DeactivationForm.Render("/operator/deactivate", Values("deactivate"), Errors("deactivate"), hidden)}
            <h2>Latest activations</h2>
            {Table(["Activated", "Product ID", "Method", "Status", "Company", "Reason"],
                activations.Select(a => new[] { a.ActivatedAt.ToString("yyyy-MM-dd HH:mm"), a.ProductId, a.Method, a.Status, a.Company.Company, a.Reason }))}
            <h2>Latest installs</h2>
            {Table(["Installed", "Product ID", "Program", "Identifier", "CALs", "Status"],
                installs.Select(i => new[] { i.InstalledAt.ToString("yyyy-MM-dd HH:mm"), i.ProductId, i.Program.ToDisplayName(), i.Identifier, $"{i.Quantity} × {i.Version.ToDisplayName()} {i.Type.ToDisplayName()}", i.Status }))}
            """, status);
    }
}
