using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace RdLicensing.ServiceDefaults;

/// <summary>What an Authorization header held, as <see cref="BearerCredential.Parse"/> read it.</summary>
public enum BearerHeaderStatus
{
    /// <summary>No Authorization header (or an empty one): anonymous, not a failure.</summary>
    Missing,
    /// <summary>Not "Bearer &lt;token&gt;" (Basic, Digest, a bare token…).</summary>
    WrongScheme,
    /// <summary>"Bearer" with nothing after it, or a token longer than <see cref="BearerCredential.MaxTokenLength"/>.</summary>
    EmptyOrTooLong,
    /// <summary>A token to look up; whether it is a credential is the service's to say.</summary>
    Present,
}

public readonly record struct BearerHeader(BearerHeaderStatus Status, string? Token);

/// <summary>
/// The one place RdLicensing handles a bearer credential (administrator tokens rdla_/rdca_/rdsa_, session host enrollment
/// tokens rdlh_): clients attach it to a request here, services parse the header here (<see cref="BearerTokenHandler"/>)
/// and compare a token with a stored hash here, in constant time. Tokens are 256 random bits; only their SHA-256 is stored.
/// </summary>
public static class BearerCredential
{
    public const string Scheme = "Bearer";

    /// <summary>Our tokens are about 48 characters; anything longer than this is refused before any lookup.</summary>
    public const int MaxTokenLength = 200;

    /// <summary>Sends <paramref name="token"/> with this request only.</summary>
    public static void Attach(HttpRequestMessage request, string token) =>
        request.Headers.Authorization = new AuthenticationHeaderValue(Scheme, token);

    /// <summary>Sends <paramref name="token"/> with every request of this client (a client for one service and one credential).</summary>
    public static void Attach(HttpClient client, string token) =>
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(Scheme, token);

    /// <summary>Reads an Authorization header value: "Bearer &lt;token&gt;", the scheme in any case, the token trimmed and bounded.</summary>
    public static BearerHeader Parse(string? header)
    {
        if (string.IsNullOrEmpty(header)) return new(BearerHeaderStatus.Missing, null);
        if (!header.StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase)) return new(BearerHeaderStatus.WrongScheme, null);
        var token = header[(Scheme.Length + 1)..].Trim();
        return token.Length is 0 or > MaxTokenLength ? new(BearerHeaderStatus.EmptyOrTooLong, null) : new(BearerHeaderStatus.Present, token);
    }

    /// <summary>
    /// Whether a presented token's hash equals the stored one (both lowercase hex SHA-256), compared in constant time: how
    /// long the answer takes says nothing about how close a guess was. No stored hash matches nothing.
    /// </summary>
    public static bool HashMatches(string? storedHash, string presentedHash) =>
        storedHash is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedHash), Encoding.ASCII.GetBytes(presentedHash));
}
