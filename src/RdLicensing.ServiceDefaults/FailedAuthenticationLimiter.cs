using System.Net;

namespace RdLicensing.ServiceDefaults;

/// <summary>
/// Counts failed authentications per client address (<see cref="FailureLimiter"/>): bearer tokens refused by the
/// service's handler, and refused sign-ins of its web pages. Only failures are counted and only failures are refused,
/// so a valid credential from the same address is never held back. Kinds are counted apart: a wrong console sign-in
/// also fails the API check the console makes on the client's behalf, and must not cost twice.
/// </summary>
public sealed class FailedAuthenticationLimiter(int failuresPerWindow, TimeSpan window, TimeProvider clock)
{
    public const string BearerTokens = "token";
    public const string SignIns = "sign-in";

    private readonly FailureLimiter _failures = new(failuresPerWindow, window, clock);

    /// <summary>Counts one failure of <paramref name="kind"/> from <paramref name="client"/>: null while within the allowance, else how long until it renews.</summary>
    public TimeSpan? RecordFailure(string kind, IPAddress? client)
    {
        var tally = _failures.RecordFailure($"{kind}:{ClientAddress.Normalize(client)}");
        return tally.Exceeded ? tally.WindowLeft : null;
    }
}

/// <summary>The client address as the limits count it.</summary>
public static class ClientAddress
{
    // A client reaching a dual-stack listener over IPv4 shows up as ::ffff:a.b.c.d; it is the same client either way.
    public static string Normalize(IPAddress? client) =>
        client is null ? "unknown" : (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();
}
