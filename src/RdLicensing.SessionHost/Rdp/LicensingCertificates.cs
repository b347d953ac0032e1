using Microsoft.Extensions.Options;
using RdLicensing.Core.Identity;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Security;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.SessionHost.LicenseServers;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Rdp;

/// <summary>
/// Has the endpoint's licensing key certified by the host's license server, so that its Server License Request carries
/// the X.509 chain (CERT_CHAIN_VERSION_2) an activated Windows host sends instead of the proprietary certificate: the
/// first listed license server the host is enrolled with issues its own certificate and the endpoint's
/// (<see cref="EndpointCertificates"/>); the endpoint adds the leaf, signed with its own key, and checks the whole chain
/// (the license server's certificate must carry the key the host learned for it). Tried at start and every
/// <see cref="SessionHostOptions.RevocationCheckInterval"/> until the host has a chain, and again when it ends within 30 days
/// or as soon as the host learns (<see cref="LicenseServerKeys.KeysRetired"/>, at its hourly sync) that the license server
/// retired the key that signed it: the License Request then carries a chain from the server's new identity.
/// </summary>
public sealed class LicensingCertificates(
    RdpServerContext context,
    RdpEndpointOptions endpoint,
    HostConfiguration configuration,
    SessionHostStore store,
    LicenseServerCalls calls,
    LicenseServerKeys keys,
    IOptions<SessionHostOptions> options,
    TimeProvider clock,
    ILogger<LicensingCertificates> log) : BackgroundService
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly Lock _subscribing = new();
    private DateTimeOffset? _expiresAt;
    private bool _subscribed;

    /// <summary>The key that signed the chain in use was retired: the next tick asks again (until a refresh succeeds).</summary>
    private volatile bool _stale;

    /// <summary>The license server key (Product ID, SubjectPublicKeyInfo) that signed the chain in use.</summary>
    private (string ProductId, byte[] PublicKey)? _signedBy;

    /// <summary>The license server whose identity the chain comes from, once there is one.</summary>
    public string? IssuedBy { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!endpoint.X509LicensingCertificate) return;
        Subscribe();
        using var timer = new PeriodicTimer(options.Value.RevocationCheckInterval);
        do
        {
            try
            {
                if (_stale || _expiresAt is null || _expiresAt - clock.GetUtcNow() < TimeSpan.FromDays(30)) await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Getting the RDP endpoint's licensing certificate from a license server failed; the next try is in {Interval}", options.Value.RevocationCheckInterval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Renews the chain when the key that signed it is among <paramref name="retired"/>; else nothing.</summary>
    private async Task OnKeysRetiredAsync(IReadOnlyList<RetiredLicenseServerKeyRecord> retired, CancellationToken cancellationToken)
    {
        if (_signedBy is not { } by || !retired.Any(r => r.ProductId == by.ProductId && r.PublicKey.AsSpan().SequenceEqual(by.PublicKey))) return;
        log.LogWarning("License server {Url} retired the key that signed the RDP endpoint's X.509 licensing chain: asking for a chain from its new identity", IssuedBy);
        // Until a new chain is in place the hourly tick keeps asking (the old one stays in use: clients read its keys, not its trust).
        _stale = true;
        // A refresh under way (it may be what learned the retirement) is not waited for: the tick asks again.
        if (!await _refreshing.WaitAsync(0, cancellationToken)) return;
        try
        {
            if (await RefreshOnceAsync(cancellationToken) is { } why)
                log.LogWarning("The RDP endpoint's X.509 licensing chain could not be renewed after the key rotation ({Problem}); the next try is in {Interval}", why, options.Value.RevocationCheckInterval);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Renewing the RDP endpoint's X.509 licensing chain after the key rotation failed; the next try is in {Interval}", options.Value.RevocationCheckInterval);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>Follows key retirements (once; RefreshAsync also subscribes, for hosts whose service loop has not run yet).</summary>
    private void Subscribe()
    {
        lock (_subscribing)
        {
            if (_subscribed) return;
            keys.KeysRetired += OnKeysRetiredAsync;
            _subscribed = true;
        }
    }

    /// <summary>Asks the listed, enrolled license servers in order; returns why none gave a usable chain, or null when the endpoint uses one now.</summary>
    public async Task<string?> RefreshAsync(CancellationToken cancellationToken)
    {
        Subscribe();
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            return await RefreshOnceAsync(cancellationToken);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task<string?> RefreshOnceAsync(CancellationToken cancellationToken)
    {
        var wasStale = _stale;
        _stale = false;
        try
        {
            var problem = await AskAsync(cancellationToken);
            if (problem is not null && wasStale) _stale = true;
            return problem;
        }
        catch
        {
            if (wasStale) _stale = true;
            throw;
        }
    }

    private async Task<string?> AskAsync(CancellationToken cancellationToken)
    {
        var config = await configuration.LoadAsync(cancellationToken);
        var enrolled = (await store.TokensAsync(cancellationToken)).Select(t => t.Url).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var url in config.LicenseServers.Value.Where(enrolled.Contains))
        {
            var reply = await calls.EndpointCertificateAsync(url, context.Key.Algorithm.ExportSubjectPublicKeyInfo(), cancellationToken);
            if (!reply.Answered)
            {
                problems.Add($"{url}: {reply.Problem}");
                continue;
            }
            var known = (await keys.KnownAsync(cancellationToken)).FirstOrDefault(k => k.Record.ProductId == reply.Value!.ProductId)?.Record.PublicKey
                        ?? (await keys.LearnAsync(url, cancellationToken)).Key?.Record.PublicKey;
            List<byte[]> chain;
            try
            {
                chain = [.. reply.Value!.Chain.Select(Convert.FromBase64String)];
            }
            catch (FormatException)
            {
                problems.Add($"{url}: the chain is not base64");
                continue;
            }
            var now = clock.GetUtcNow();
            if (chain.Count == 0)
            {
                problems.Add($"{url}: the chain is empty");
                continue;
            }
            chain.Add(EndpointCertificates.Leaf(chain[^1], context.Key.Algorithm, options.Value.Name, now));
            if (EndpointCertificates.Check(chain, known, context.Key.Algorithm, now) is { } why)
            {
                problems.Add($"{url}: {why}");
                continue;
            }
            context.UseCertificateChain(X509CertificateChain.Build(chain));
            _expiresAt = reply.Value.ExpiresAt;
            using (var root = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(chain[0]))
                _signedBy = (reply.Value.ProductId, root.PublicKey.ExportSubjectPublicKeyInfo());
            IssuedBy = url;
            log.LogInformation("The RDP endpoint's License Request now carries an X.509 chain from license server {Url} (Product ID {ProductId}), valid until {ExpiresAt:yyyy-MM-dd}",
                url, reply.Value.ProductId, reply.Value.ExpiresAt);
            return null;
        }
        return problems.Count == 0 ? "no license server the host is enrolled with is listed" : string.Join("; ", problems);
    }
}
