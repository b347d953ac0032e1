using Microsoft.Extensions.Options;
using RdLicensing.Core.Cals;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.LicenseServers;

/// <summary>
/// Pulls the revocation list of every listed license server the host holds a token for: once at start, then whenever the last
/// sync is <see cref="RevocationList.SyncInterval"/> old by the host's clock (looked at every
/// <see cref="SessionHostOptions.RevocationCheckInterval"/> of real time, so a simulated clock moved forward syncs at the next look).
/// A fetch that failed is tried again at every look. Each sync first asks the server for its current key and the keys it retired
/// (<see cref="LicenseServerKeys.LearnAsync"/>): a rotation reaches the host within the hour, not only at the first CAL it cannot
/// verify, so a CAL signed by a retired (perhaps compromised) key stops being accepted offline, and the list signed by the new key verifies.
/// </summary>
public sealed class RevocationSync(
    RevocationLists lists,
    LicenseServerKeys keys,
    HostConfiguration configuration,
    SessionHostStore store,
    IOptions<SessionHostOptions> options,
    TimeProvider clock,
    ILogger<RevocationSync> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevocationCheckInterval);
        do
        {
            try
            {
                await SyncDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Checking the license servers' revocation lists failed; the next look is in {Interval}", options.Value.RevocationCheckInterval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Syncs every listed, enrolled server whose list is due; returns what happened for each one tried.</summary>
    public async Task<IReadOnlyList<RevocationSyncResult>> SyncDueAsync(CancellationToken cancellationToken)
    {
        var config = await configuration.LoadAsync(cancellationToken);
        var enrolled = (await store.TokensAsync(cancellationToken)).Select(t => t.Url).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var syncs = (await store.RevocationSyncsAsync(cancellationToken)).ToDictionary(s => s.Url, StringComparer.OrdinalIgnoreCase);
        var now = clock.GetUtcNow();
        var results = new List<RevocationSyncResult>();
        foreach (var url in config.LicenseServers.Value.Where(enrolled.Contains))
        {
            var last = syncs.GetValueOrDefault(url)?.SyncedAt;
            if (last is { } synced && now >= synced && now - synced < RevocationList.SyncInterval) continue;
            var (_, keyProblem) = await keys.LearnAsync(url, cancellationToken);
            if (keyProblem is not null) log.LogWarning("The keys of {Url} could not be refreshed: {Problem}", url, keyProblem);
            var result = await lists.SyncAsync(url, cancellationToken);
            if (!result.Synced) log.LogWarning("The revocation list of {Url} could not be fetched: {Problem}", url, result.Problem);
            results.Add(result);
        }
        return results;
    }
}
