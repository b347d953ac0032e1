using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Remote;

/// <summary>Calls another (source) license server's administration API during a migration, with its administrator token: status, key packs, release.</summary>
public sealed class SourceServerClient(HttpClient http)
{
    public Task<StatusView> StatusAsync(Uri server, string token, CancellationToken cancellationToken) =>
        RemoteJson.SendAsync<StatusView>(http, HttpMethod.Get, new Uri(server, "api/admin/status"), null, token, Who(server), cancellationToken);

    public Task<List<KeyPackView>> KeyPacksAsync(Uri server, string token, CancellationToken cancellationToken) =>
        RemoteJson.SendAsync<List<KeyPackView>>(http, HttpMethod.Get, new Uri(server, "api/admin/keypacks"), null, token, Who(server), cancellationToken);

    /// <summary>The source removes the packs and signs their release to the clearinghouse for this (target) server; it puts them back on failure.</summary>
    public Task<KeyPackReleaseResponse> ReleaseAsync(Uri server, string token, IReadOnlyList<Guid> keyPackIds, string targetProductId, CancellationToken cancellationToken) =>
        RemoteJson.SendAsync<KeyPackReleaseResponse>(http, HttpMethod.Post, new Uri(server, "api/admin/licenses/release"),
            new KeyPackReleaseBody(targetProductId, keyPackIds), token, Who(server), cancellationToken);

    /// <summary>An http(s) address with a trailing slash, so relative paths resolve under it.</summary>
    public static Uri? ParseAddress(string? text) =>
        Uri.TryCreate(text?.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;

    private static string Who(Uri server) => $"The source license server at {server.ToString().TrimEnd('/')}";
}
