using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.LicenseServer.Remote;

/// <summary>JSON calls to another RdLicensing service; every failure becomes a <see cref="RemoteCallException"/> naming <c>who</c>.</summary>
internal static class RemoteJson
{
    public static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Options;

    /// <param name="sign">When given: the body is serialised to bytes first and these exact bytes are sent; <paramref name="sign"/>
    /// adds the headers that sign them (the proof of possession of <see cref="ClearinghouseClient"/>).</param>
    public static async Task<T> SendAsync<T>(HttpClient http, HttpMethod method, Uri uri, object? body, string? bearer, string who, CancellationToken cancellationToken,
        Action<HttpRequestMessage, byte[]>? sign = null)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (sign is not null)
        {
            var bytes = body is null ? [] : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }
            sign(request, bytes);
        }
        else if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        if (bearer is not null) BearerCredential.Attach(request, bearer);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new RemoteCallException(RemoteFailure.Unreachable, $"{who} cannot be reached ({(e.InnerException?.Message ?? e.Message).TrimEnd('.')}).");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RemoteCallException(RemoteFailure.Unreachable, $"{who} did not answer within {http.Timeout.TotalSeconds:0} seconds.");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw Refusal(await ProblemReader.ReadAsync(response, cancellationToken), who);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                return JsonSerializer.Deserialize<T>(text, Json) ?? throw new JsonException("empty answer");
            }
            catch (JsonException)
            {
                throw new RemoteCallException(RemoteFailure.Unreachable, $"{who} did not answer like an RdLicensing service (unexpected content from {uri.AbsolutePath}).");
            }
        }
    }

    private static RemoteCallException Refusal(RemoteProblem problem, string who)
    {
        var (status, type, detail, field, cause, group) = (problem.Status, problem.Type, problem.DetailOrTitle, problem.Text("field"), problem.Text("cause"), problem.Integer("group"));
        var keyPackIds = problem.Extensions.TryGetValue("keyPackIds", out var ids) && ids.ValueKind == JsonValueKind.Array
            ? ids.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String && Guid.TryParse(e.GetString(), out var id) ? id : Guid.Empty)
                .Where(id => id != Guid.Empty).ToList()
            : null;
        if (status == 401 || status == 403)
            return new RemoteCallException(RemoteFailure.Refused, $"{who} refused the credential: {detail ?? "unauthorized"}", status, type, field, group);
        return detail is null
            ? new RemoteCallException(RemoteFailure.Unreachable, $"{who} answered {status} without an explanation; is the address right?", status)
            : new RemoteCallException(RemoteFailure.Refused, detail, status, type, field, group, keyPackIds, cause);
    }
}
