using System.Globalization;
using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

/// <summary>Issued CALs and their revocation, as <c>rdlic cals list|revoke|revocable</c> call them.</summary>
public sealed partial class ManagerApi
{
    /// <summary>GET /api/admin/cals — <paramref name="device"/> matches a client name or a hardware id.</summary>
    public Task<CalPage> CalsAsync(string? type, string? status, string? version, string? user, string? device, bool overUsed, int page, int pageSize, CancellationToken ct,
        string? keyPack = null, string? sort = null, bool descending = true) =>
        GetAsync<CalPage>(WithQuery("api/admin/cals",
        [
            new("type", type), new("status", status), new("version", version), new("user", user), new("device", device),
            new("overUsed", overUsed ? "true" : null), new("keyPack", keyPack), new("sort", sort), new("desc", descending ? null : "false"),
            new("page", page.ToString(CultureInfo.InvariantCulture)), new("pageSize", pageSize.ToString(CultureInfo.InvariantCulture)),
        ]), ct);

    /// <summary>GET /api/admin/clock — the server's time (simulated or not), for what is "expiring" on a page.</summary>
    public Task<ClockView> ClockAsync(CancellationToken ct) => GetAsync<ClockView>("api/admin/clock", ct);

    public Task<CalView> CalAsync(long id, CancellationToken ct) => GetAsync<CalView>($"api/admin/cals/{id.ToString(CultureInfo.InvariantCulture)}", ct);

    /// <summary>GET /api/admin/revocation — per version: installed Per Device CALs, the 20% limit, revoked now, revocable now, next possible date.</summary>
    public Task<List<RevocationView>> RevocationAsync(string? version, CancellationToken ct) =>
        GetAsync<List<RevocationView>>(WithQuery("api/admin/revocation", [new("version", version)]), ct);

    /// <summary>POST /api/admin/cals/{id}/revoke — a refusal (limit reached, not revocable) throws with the server's detail.</summary>
    public Task<RevokeResponse> RevokeAsync(long id, CancellationToken ct) =>
        SendAsync<RevokeResponse>(HttpMethod.Post, $"api/admin/cals/{id.ToString(CultureInfo.InvariantCulture)}/revoke", null, ct);

    /// <summary>The path with the parameters that have a value, escaped (also the console's own links).</summary>
    internal static string WithQuery(string path, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var query = string.Join('&', parameters.Where(p => !string.IsNullOrEmpty(p.Value))
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value!)));
        return query.Length == 0 ? path : path + "?" + query;
    }
}
