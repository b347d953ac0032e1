using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.ServiceDefaults;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.LicenseServers;

/// <summary>How a call to one license server went.</summary>
public enum LicenseServerContact
{
    Answered,
    /// <summary>The host has no token for this server.</summary>
    NotEnrolled,
    NotConnectable,
    /// <summary>The server refused the host's token (401).</summary>
    AccessDenied,
    /// <summary>The server's security group policy is on and this host is not in the group (403 host-not-in-security-group).</summary>
    NotInSecurityGroup,
    /// <summary>A server error (5xx), a request timeout (408), or an answer that is not an RdLicensing license server's.</summary>
    Failed,
    /// <summary>
    /// The server answered and refused the request itself (any other 4xx: bad input, too large, too many requests…). This is
    /// an answer, never "no license server answered": the connection is refused, not let in by the grace period.
    /// </summary>
    Rejected,
}

public sealed record LicenseServerReply<T>(string Url, LicenseServerContact Contact, T? Value, string? Problem) where T : class
{
    public bool Answered => Contact == LicenseServerContact.Answered;
}

/// <summary>
/// The license server API calls a session host makes, each with the host's token for that server. Never
/// throws for the server's sake: an unreachable, refusing or strange server is a <see cref="LicenseServerReply{T}"/>
/// whose problem says what happened, so callers can fail over to the next server.
/// </summary>
public sealed class LicenseServerCalls(IHttpClientFactory httpClients, SessionHostStore store)
{
    public const string HttpClientName = "license-servers";

    public const string SecurityGroupProblemType = "https://rdlicensing.dev/problems/host-not-in-security-group";

    private static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Options;

    public Task<LicenseServerReply<CalResponseBody>> RequestCalAsync(string url, CalRequestBody body, CancellationToken cancellationToken) =>
        SendAsync<CalResponseBody>(url, HttpMethod.Post, "api/sessionhost/cals", body, cancellationToken);

    public Task<LicenseServerReply<SignInResponse>> ReportSignInAsync(string url, string hardwareId, CancellationToken cancellationToken) =>
        SendAsync<SignInResponse>(url, HttpMethod.Post, "api/sessionhost/cals/sign-in", new SignInBody(hardwareId), cancellationToken);

    public Task<LicenseServerReply<LicenseServerInfoView>> InfoAsync(string url, CancellationToken cancellationToken) =>
        SendAsync<LicenseServerInfoView>(url, HttpMethod.Get, "api/sessionhost/license-server", null, cancellationToken);

    public Task<LicenseServerReply<EndpointCertificateView>> EndpointCertificateAsync(string url, byte[] publicKey, CancellationToken cancellationToken) =>
        SendAsync<EndpointCertificateView>(url, HttpMethod.Post, "api/sessionhost/endpoint-certificate", new EndpointCertificateBody(Convert.ToBase64String(publicKey)), cancellationToken);

    public Task<LicenseServerReply<LicenseServerDiagnosticsView>> DiagnosticsAsync(string url, CancellationToken cancellationToken) =>
        SendAsync<LicenseServerDiagnosticsView>(url, HttpMethod.Get, "api/sessionhost/diagnostics", null, cancellationToken);

    /// <summary>The server's signed revocation list (DER X.509 CRL), not yet verified.</summary>
    public Task<LicenseServerReply<byte[]>> RevocationListAsync(string url, CancellationToken cancellationToken) =>
        SendAsync<byte[]>(url, HttpMethod.Get, "api/sessionhost/revocations", null, cancellationToken);

    /// <summary>This host's grace period start as the server anchored it.</summary>
    public Task<LicenseServerReply<HostGraceView>> GraceAsync(string url, CancellationToken cancellationToken) =>
        SendAsync<HostGraceView>(url, HttpMethod.Get, "api/sessionhost/grace", null, cancellationToken);

    /// <summary>Checks a token before it is stored: the server must answer GET license-server with it.</summary>
    public Task<LicenseServerReply<LicenseServerInfoView>> InfoWithTokenAsync(string url, string token, CancellationToken cancellationToken) =>
        SendWithTokenAsync<LicenseServerInfoView>(url, token, HttpMethod.Get, "api/sessionhost/license-server", null, cancellationToken);

    private async Task<LicenseServerReply<T>> SendAsync<T>(string url, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
        where T : class
    {
        var token = (await store.TokenAsync(url, cancellationToken))?.Token;
        if (token is null)
            return new(url, LicenseServerContact.NotEnrolled, null,
                $"this session host has no token for {url}: enroll it on that server ('rdlic hosts enroll NAME'), then store the token with 'rdlic sessionhost enroll --license-server {url} --host-token rdlh_…'");
        return await SendWithTokenAsync<T>(url, token, method, path, body, cancellationToken);
    }

    private async Task<LicenseServerReply<T>> SendWithTokenAsync<T>(string url, string token, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
        where T : class
    {
        var http = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(method, url + "/" + path);
        BearerCredential.Attach(request, token);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return new(url, LicenseServerContact.NotConnectable, null, (e.InnerException?.Message ?? e.Message).TrimEnd('.'));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(url, LicenseServerContact.NotConnectable, null, $"no answer within {http.Timeout.TotalSeconds:0} seconds");
        }

        using (response)
        {
            byte[] bytes = [];
            RemoteProblem? problem = null;
            try
            {
                if (response.IsSuccessStatusCode) bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                else problem = await ProblemReader.ReadAsync(response, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                return new(url, LicenseServerContact.NotConnectable, null, $"the connection broke while reading the answer ({e.Message.TrimEnd('.')})");
            }
            if (response.IsSuccessStatusCode && typeof(T) == typeof(byte[]))
                return new(url, LicenseServerContact.Answered, (T)(object)bytes, null);
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return JsonSerializer.Deserialize<T>(bytes, Json) is { } value
                        ? new(url, LicenseServerContact.Answered, value, null)
                        : new(url, LicenseServerContact.Failed, null, "the answer was empty");
                }
                catch (JsonException)
                {
                    return new(url, LicenseServerContact.Failed, null, $"{url} did not answer like an RdLicensing license server");
                }
            }
            var (type, detail) = (problem!.Type, problem.DetailOrTitle);
            return response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new(url, LicenseServerContact.AccessDenied, null,
                    $"the license server refused this host's token ({(detail ?? "unauthorized").TrimEnd('.')}); enroll again and store the new token"),
                HttpStatusCode.Forbidden when type == SecurityGroupProblemType => new(url, LicenseServerContact.NotInSecurityGroup, null,
                    detail ?? "this session host is not in the license server's security group"),
                HttpStatusCode.RequestTimeout => new(url, LicenseServerContact.Failed, null, $"{(int)response.StatusCode} {response.StatusCode}{(detail is null ? "" : ": " + detail)}"),
                var status when (int)status is >= 400 and < 500 => new(url, LicenseServerContact.Rejected, null,
                    $"{(int)response.StatusCode} {response.StatusCode}{(detail is null ? "" : ": " + detail)}"),
                _ => new(url, LicenseServerContact.Failed, null, $"{(int)response.StatusCode} {response.StatusCode}{(detail is null ? "" : ": " + detail)}"),
            };
        }
    }
}
