using RdLicensing.Core.Protocol;

namespace RdLicensing.SessionHost.LicenseServers;

public sealed record LicenseServerFailure(string Url, LicenseServerContact Contact, string Problem);

/// <summary>The answer of the first license server that answered, and what went wrong with the ones before it.</summary>
public sealed record CalAttempt(string? AnsweredBy, CalResponseBody? Response, IReadOnlyList<LicenseServerFailure> Failures);

/// <summary>
/// The host's ordered license server list ("Use the specified Remote Desktop license servers"): each request
/// goes to the first server, and on to the next when one is down, refuses the host's token or refuses the
/// host because it is not in its security group. A server that answers — even with a refusal of the client — ends the search.
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
