using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// Signed-in telephone operators. The browser holds only a random session id (HttpOnly, SameSite=Strict
/// cookie), never the admin token; each session has its own form token that every operator form carries,
/// so a form posted from elsewhere is refused even if the cookie came along. Kept in memory: a restart
/// signs operators out.
/// </summary>
public sealed class OperatorSessions(TimeProvider clock)
{
    public const string CookieName = "rdch_operator";
    public const string FormTokenField = "formToken";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public sealed record Session(string Id, string FormToken, DateTimeOffset ExpiresAt);

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public Session Start(HttpResponse response, bool secure)
    {
        var now = clock.GetUtcNow();
        foreach (var old in _sessions.Values.Where(s => s.ExpiresAt <= now)) _sessions.TryRemove(old.Id, out _);
        var session = new Session(NewSecret(), NewSecret(), now + Lifetime);
        _sessions[session.Id] = session;
        response.Cookies.Append(CookieName, session.Id, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = secure, Path = "/operator", MaxAge = Lifetime, IsEssential = true,
        });
        return session;
    }

    /// <summary>The signed-in session of the request's cookie, or null.</summary>
    public Session? Find(HttpRequest request) =>
        request.Cookies.TryGetValue(CookieName, out var id) && id is not null && _sessions.TryGetValue(id, out var session) && session.ExpiresAt > clock.GetUtcNow()
            ? session
            : null;

    /// <summary>The session when the cookie is signed in AND the posted form carries its form token.</summary>
    public Session? FindForForm(HttpRequest request, string? formToken) =>
        Find(request) is { } session && formToken is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(session.FormToken), Encoding.ASCII.GetBytes(formToken))
            ? session
            : null;

    public void End(HttpRequest request, HttpResponse response)
    {
        if (request.Cookies.TryGetValue(CookieName, out var id) && id is not null) _sessions.TryRemove(id, out _);
        response.Cookies.Delete(CookieName, new CookieOptions { Path = "/operator" });
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
