using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Client;

/// <summary>
/// Typed calls to a session host's API (`rdlic sessionhost …`, `rdlic connect`, `rdlic diagnose`). Administration
/// sends the administrator token of <see cref="SessionHostConnection"/>; a client device's calls need none.
/// </summary>
internal sealed class SessionHostClient(SessionHostConnection connection) : JsonApiClient(new ApiService("session host", connection.Url,
    connection.Token, connection.TokenSource, $"{SessionHostConnection.TokenOption}, else {SessionHostConnection.TokenVariable}, else {connection.TokenFile}",
    "written by the session host on its first start; point --data at the data directory of `rdlic up`",
    "Start it with './rdlic up' or 'rdlic sessionhost run', or pass --host."))
{
    public const string DefaultHost = SessionHostConnection.DefaultUrl;

    public string Host => connection.Url;

    /// <summary>For administrative commands: --host and the administrator token (--sessionhost-token, RDLIC_SESSIONHOST_TOKEN, &lt;data&gt;/sessionhost/admin.token).</summary>
    public static SessionHostClient Administrator(string? host, string? token, string dataDirectory) =>
        new(SessionHostConnection.Administrator(host, token, dataDirectory));

    /// <summary>For a client device (connect, sign in, end its session): no credential.</summary>
    public static SessionHostClient Device(string? host, string dataDirectory) => new(SessionHostConnection.Client(host, dataDirectory));

    public Task<Reply<ConnectionView>> ConnectAsync(ConnectBody body, CancellationToken ct) => SendAsync<ConnectionView>(HttpMethod.Post, "api/connections", body, ct);

    public Task<Reply<SessionSignInView>> SignInAsync(string sessionId, CancellationToken ct) =>
        SendAsync<SessionSignInView>(HttpMethod.Post, $"api/sessions/{Uri.EscapeDataString(sessionId)}/sign-in", null, ct);

    public Task<Reply<SessionView>> EndSessionAsync(string sessionId, CancellationToken ct) =>
        SendAsync<SessionView>(HttpMethod.Delete, $"api/sessions/{Uri.EscapeDataString(sessionId)}", null, ct);

    public Task<Reply<SessionDisconnectView>> DisconnectAsync(string sessionId, CancellationToken ct) =>
        SendAsync<SessionDisconnectView>(HttpMethod.Post, $"api/sessions/{Uri.EscapeDataString(sessionId)}/disconnect", null, ct);

    public bool HasToken => connection.Token is not null;

    public Task<Reply<List<SessionView>>> SessionsAsync(CancellationToken ct) => GetAsync<List<SessionView>>("api/sessions", ct);

    public Task<Reply<SessionHostStatusView>> StatusAsync(CancellationToken ct) => GetAsync<SessionHostStatusView>("api/status", ct);

    public Task<Reply<SessionHostConfigView>> ConfigAsync(CancellationToken ct) => GetAsync<SessionHostConfigView>("api/config", ct);

    public Task<Reply<SessionHostConfigChange>> SetConfigAsync(SessionHostConfigUpdate update, CancellationToken ct) =>
        SendAsync<SessionHostConfigChange>(HttpMethod.Put, "api/config", update, ct);

    public Task<Reply<HostEnrollmentView>> EnrollAsync(HostEnrollmentBody body, CancellationToken ct) =>
        SendAsync<HostEnrollmentView>(HttpMethod.Post, "api/enrollments", body, ct);

    public Task<Reply<List<SessionHostEventView>>> EventsAsync(int? eventId, string? level, int? limit, CancellationToken ct)
    {
        var query = new[] { ("eventId", eventId?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("level", level), ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)) }
            .Where(q => q.Item2 is not null).Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2!)}").ToList();
        return GetAsync<List<SessionHostEventView>>("api/events" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), ct);
    }

    public Task<Reply<DiagnosisView>> DiagnoseAsync(CancellationToken ct) => GetAsync<DiagnosisView>("api/diagnose", ct);

    public Task<Reply<ClockView>> AdvanceClockAsync(string by, CancellationToken ct) =>
        SendAsync<ClockView>(HttpMethod.Post, "api/clock/advance", new ClockAdvanceBody(by), ct);
}
