using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

/// <summary>
/// The Diagnoser page: the enrolled session hosts and what the license server logged about them (this server's API);
/// and, through a <see cref="ManagerApi"/> made for a session host's address and rdsa_ token, the host's own API.
/// </summary>
public sealed partial class ManagerApi
{
    /// <summary>What a session host administrator token starts with (the session host's AdminCredential.TokenPrefix).</summary>
    public const string SessionHostTokenPrefix = "rdsa_";

    public Task<List<SessionHostView>> SessionHostsAsync(CancellationToken ct) => GetAsync<List<SessionHostView>>("api/admin/sessionhosts", ct);

    /// <summary>The newest warnings and errors of the license server's event log (those about a session host name it).</summary>
    public Task<List<EventView>> WarningEventsAsync(int limit, CancellationToken ct) => GetAsync<List<EventView>>($"api/admin/events?level=warning&limit={limit}", ct);

    /// <summary>A session host's status (its name, mode, license servers) — its GET /api/status, with its rdsa_ administrator token.</summary>
    public Task<SessionHostStatusView> SessionHostStatusAsync(CancellationToken ct) => SessionHostGetAsync<SessionHostStatusView>("api/status", ct);

    /// <summary>The Licensing Diagnoser, run on a session host — its GET /api/diagnose, with its rdsa_ administrator token.</summary>
    public Task<DiagnosisView> DiagnoseAsync(CancellationToken ct) => SessionHostGetAsync<DiagnosisView>("api/diagnose", ct);

    private async Task<T> SessionHostGetAsync<T>(string path, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(HttpMethod.Get, path, null, ct);
        }
        catch (ManagerApiException e) when (e.Status is 401 or 403)
        {
            throw new ManagerApiException($"The session host at {ServerUrl} does not accept this administrator token: its token (rdsa_…) is in admin.token in the host's data directory (<data>/sessionhost/admin.token for 'rdlic up').", e.Status);
        }
        catch (ManagerApiException e)
        {
            throw new ManagerApiException(e.Message.Replace("The license server at", "The session host at", StringComparison.Ordinal), e.Status);
        }
        using (response)
        {
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(Json, ct) ?? throw new JsonException("empty");
            }
            catch (JsonException)
            {
                throw new ManagerApiException($"{ServerUrl} did not answer like an RdLicensing session host ({path}).");
            }
        }
    }
}
