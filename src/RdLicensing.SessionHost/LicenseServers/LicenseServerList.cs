using RdLicensing.Core.Protocol;

namespace RdLicensing.SessionHost.LicenseServers;

public sealed record LicenseServerFailure(string Url, LicenseServerContact Contact, string Problem);

/// <summary>
/// The answer of the first license server that answered, and what went wrong with the ones before it. <paramref name="Rejection"/>:
/// a server answered by refusing the request itself (4xx other than a refused token or the security group) — an answer that
/// ends the search like any other, and never counts as "no license server answered".
/// </summary>
public sealed record CalAttempt(string? AnsweredBy, CalResponseBody? Response, IReadOnlyList<LicenseServerFailure> Failures, LicenseServerFailure? Rejection = null);

/// <summary>
/// The host's ordered license server list ("Use the specified Remote Desktop license servers"): each request
/// goes to the first server, and on to the next when one is down, refuses the host's token or refuses the
/// host because it is not in its security group. A server that answers — even with a refusal of the client — ends the search, and so does a server that refuses the request itself (4xx): only an unreachable server, a timeout or a
/// server error (5xx) counts as not answering.
/// </summary>
public sealed class LicenseServerList(LicenseServerCalls calls)
{
    public async Task<CalAttempt> RequestCalAsync(IReadOnlyList<string> urls, CalRequestBody body, CancellationToken cancellationToken)
    {
        var failures = new List<LicenseServerFailure>();
        foreach (var url in urls)
        {
            var reply = await calls.RequestCalAsync(url, body, cancellationToken);
            if (reply.Answered) return new CalAttempt(url, reply.Value, failures);
            if (reply.Contact == LicenseServerContact.Rejected) return new CalAttempt(null, null, failures, new LicenseServerFailure(url, reply.Contact, reply.Problem!));
            failures.Add(new LicenseServerFailure(url, reply.Contact, reply.Problem!));
        }
        return new CalAttempt(null, null, failures);
    }

    /// <summary>The diagnostics of the first server that answers, e.g. to compare a new licensing mode with the CALs installed there.</summary>
    public async Task<LicenseServerReply<LicenseServerDiagnosticsView>?> FirstReachableDiagnosticsAsync(IReadOnlyList<string> urls, CancellationToken cancellationToken)
    {
        foreach (var url in urls)
        {
            var reply = await calls.DiagnosticsAsync(url, cancellationToken);
            if (reply.Answered) return reply;
        }
        return null;
    }
}
