using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.SessionHost.Connections;

namespace RdLicensing.SessionHost.Apis;

/// <summary>The HTTP front end of the connection decision: a client connects here as it would over RDP.</summary>
public static class ConnectionsApi
{
    public const int MaxIdLength = Core.SessionHost.ClientInput.MaxIdLength;
    public const int MaxNameLength = Core.SessionHost.ClientInput.MaxNameLength;

    public static RouteGroupBuilder MapConnectionsApi(this IEndpointRouteBuilder app)
    {
        // Anonymous on purpose: RDP clients do not authenticate to licensing.
        var api = app.MapGroup("/api/connections").WithTags("Connections").AllowAnonymous();
        api.MapPost("/", Connect).WithSummary("A client connects: licensed (with the CAL to store), allowed by the grace period, administrative, or refused with the licensing error.");
        return api;
    }

    public static async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> Connect(ConnectBody body, ConnectionDecider decider, TimeProvider clock, CancellationToken cancellationToken)
    {
        var administrative = body.Administrative ?? false;
        var clientName = Clean(body.ClientName);
        var hardwareId = Clean(body.HardwareId);
        var userName = Clean(body.UserName);
        if (clientName is null)
            return Problems.Invalid("clientName", $"clientName (1 to {MaxNameLength} characters) is the client computer's name.");
        if (!administrative && hardwareId is null)
            return Problems.Invalid("hardwareId", "A client connection needs the client's hardwareId (an administrative one may leave it out).");
        // Lengths and control characters are the decision's to refuse (ClientInput, as the RDP endpoint's clients): a licensing
        // refusal with an event, never a request a license server would answer 400 — and never the grace period.
        byte[]? presented = null;
        if (!string.IsNullOrEmpty(body.PresentedLicense))
        {
            if (body.PresentedLicense.Length > CalTokenService.MaxTokenBytes * 2)
                return Problems.Invalid("presentedLicense", "presentedLicense is larger than any CAL a license server issues.");
            try { presented = Convert.FromBase64String(body.PresentedLicense); }
            catch (FormatException) { return Problems.Invalid("presentedLicense", "presentedLicense must be the base64 CAL the device stored."); }
        }
        var decision = await decider.DecideAsync(new ConnectionRequest(clientName, hardwareId, userName, presented, administrative), cancellationToken);
        return TypedResults.Ok(decision.ToView(clock.GetUtcNow()));
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
