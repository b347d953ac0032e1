using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;

namespace RdLicensing.LicenseServer.Console;

/// <summary>A license server or session host the console knows: its address, its administrator token and its name (Product ID, host name).</summary>
public sealed record KnownConnection(string Url, string Token, string? Name = null);

/// <summary>
/// The license servers (Servers → Connect to another server) and session hosts (Diagnoser) the administrator added,
/// kept — address and token — as small JSON lists in extra claims of the sign-in cookie, which Data Protection
/// encrypts like the signed-in server's token: switching back needs no retyping, and nothing is stored on the server.
/// Each list keeps the <see cref="Limit"/> most recently used.
/// </summary>
public static class ConsoleConnections
{
    public const string KnownServersClaim = "rdlic:known-servers";
    public const string SessionHostsClaim = "rdlic:session-hosts";
    public const int Limit = 10;

    private static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Options;

    /// <summary>The signed-in server first, then the other known servers, most recently used first.</summary>
    public static IReadOnlyList<KnownConnection> KnownServers(ClaimsPrincipal user)
    {
        var current = Current(user);
        return Merge(current is null ? [] : [current], Read(user, KnownServersClaim));
    }

    public static IReadOnlyList<KnownConnection> SessionHosts(ClaimsPrincipal user) => Read(user, SessionHostsClaim);

    public static KnownConnection? Current(ClaimsPrincipal user) =>
        user.FindFirstValue(ConsoleClaims.ServerUrl) is { } url && user.FindFirstValue(ConsoleClaims.Token) is { } token
            ? new KnownConnection(url, token, user.FindFirstValue(ClaimTypes.Name))
            : null;

    /// <summary>An address as the console keeps it: trimmed, without a trailing slash; null unless http(s).</summary>
    public static string? NormalizeUrl(string? text)
    {
        var url = text?.Trim().TrimEnd('/');
        return url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
            ? url
            : null;
    }

    public static bool SameUrl(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary><paramref name="first"/> then <paramref name="rest"/>, one entry per address (the first wins), at most <see cref="Limit"/>.</summary>
    public static IReadOnlyList<KnownConnection> Merge(IEnumerable<KnownConnection> first, IEnumerable<KnownConnection> rest)
    {
        var merged = new List<KnownConnection>();
        foreach (var c in first.Concat(rest))
            if (!merged.Any(m => SameUrl(m.Url, c.Url)))
                merged.Add(c);
        return merged.Take(Limit).ToList();
    }

    /// <summary>Re-issues the sign-in cookie for <paramref name="server"/> with both lists (the signed-in server is kept in the known servers too).</summary>
    public static Task SignInAsync(HttpContext context, KnownConnection server, IReadOnlyList<KnownConnection> knownServers, IReadOnlyList<KnownConnection> sessionHosts)
    {
        var principal = ConsoleClaims.Principal(server.Url, server.Token, server.Name ?? "", context.User.FindFirstValue(ConsoleClaims.Session));
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(KnownServersClaim, JsonSerializer.Serialize(Merge([server], knownServers), Json)));
        if (sessionHosts.Count > 0) identity.AddClaim(new Claim(SessionHostsClaim, JsonSerializer.Serialize(sessionHosts.Take(Limit).ToList(), Json)));
        return context.SignInAsync(ConsoleClaims.Scheme, principal);
    }

    private static IReadOnlyList<KnownConnection> Read(ClaimsPrincipal user, string claim)
    {
        if (user.FindFirstValue(claim) is not { Length: > 0 } json) return [];
        try
        {
            return (JsonSerializer.Deserialize<List<KnownConnection>>(json, Json) ?? [])
                .Where(c => !string.IsNullOrEmpty(c.Url) && !string.IsNullOrEmpty(c.Token)).Take(Limit).ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
