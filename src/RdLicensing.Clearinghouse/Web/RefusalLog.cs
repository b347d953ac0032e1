using RdLicensing.Clearinghouse.Granting;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// Every refusal of a web page or operator form leaves a log line (category RdLicensing.Clearinghouse.Web): the page, the
/// client address, the problem type and the field at fault — never what was typed (request code, token, license identifiers) — and
/// counts toward the guessing limits (<see cref="Abuse.UnrecognizedIdentifiers"/>).
/// </summary>
public static class RefusalLog
{
    public static void Write(HttpRequest request, ClearinghouseRefusal refusal)
    {
        var log = request.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("RdLicensing.Clearinghouse.Web");
        log.LogWarning("{Page} refused a request from {Address}: {Slug} (field {Field})", request.Path.Value, request.HttpContext.Connection.RemoteIpAddress,
            refusal.Slug, refusal.Field ?? "-");
        Abuse.UnrecognizedIdentifiers.Note(request.HttpContext, refusal);
    }

    /// <summary>A refused operator sign-in: the client address only, never the token typed.</summary>
    public static void SignInRefused(HttpContext context)
    {
        var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("RdLicensing.Clearinghouse.Web");
        log.LogWarning("/operator/login refused a sign-in from {Address}: not the clearinghouse administrator token", context.Connection.RemoteIpAddress);
    }
}
