using Microsoft.Extensions.Options;
using RdLicensing.Core.SessionHost;
using RdLicensing.SessionHost.LicenseServers;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Connections;

/// <summary>The grace period a decision may rely on: <paramref name="Unknown"/> says why its start cannot be known (then it counts as ended).</summary>
public sealed record GraceKnowledge(GracePeriod Grace, string? Unknown);

/// <summary>
/// A host whose store has no grace period start (new, or its data folder was deleted) asks its license servers, in order, for the
/// start they anchored before it decides a client connection (issue 11): the first that answers settles it — with a start, which the
/// host takes (event 5075), or with none, so this host is new and its first connection starts the period. When none answers, the start
/// is unknown and the period counts as ended until one does (event 5076): failing closed, since a reset host would otherwise get a fresh
/// 120 days. A host with no license server configured has no one to ask; its first connection starts the period as before.
/// </summary>
public sealed class GraceRecovery(SessionHostStore store, LicenseServerCalls calls, IOptions<SessionHostOptions> options, TimeProvider clock)
{
    public async Task<GraceKnowledge> RecoverAsync(GracePeriod grace, IReadOnlyList<string> servers, CancellationToken cancellationToken)
    {
        if (grace.HasStarted || servers.Count == 0) return new GraceKnowledge(grace, null);
        var problems = new List<string>();
        foreach (var url in servers)
        {
            var reply = await calls.GraceAsync(url, cancellationToken);
            if (!reply.Answered)
            {
                problems.Add($"{url}: {reply.Problem}");
                continue;
            }
            if (reply.Value!.StartedAt is not { } anchored) return new GraceKnowledge(grace, null);
            var recovered = await store.WriteAsync(async s =>
            {
                var (adopted, changed) = await GracePeriodState.AdoptEarlierAsync(s, anchored);
                if (changed)
                    await s.AddEventAsync(clock.GetUtcNow(), new PendingSessionHostEvent(SessionHostEventId.GracePeriodRecovered,
                        $"Session host {options.Value.Name} has no local record of its grace period: license server {url} recorded its start on {anchored:yyyy-MM-dd HH:mm} UTC, " +
                        $"so it ends on {adopted.EndsAt:yyyy-MM-dd} (deleting the host's data does not reset it).", LicenseServer: url));
                return adopted;
            }, cancellationToken);
            return new GraceKnowledge(recovered, null);
        }
        return new GraceKnowledge(grace, string.Join("; ", problems));
    }
}
