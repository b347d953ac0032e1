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
/// <see cref="SessionHostOptions.RevocationCheckInterval"/> until the host has a chain, and again when it ends within 30 days.
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
    private DateTimeOffset? _expiresAt;

    /// <summary>The license server whose identity the chain comes from, once there is one.</summary>
    public string? IssuedBy { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!endpoint.X509LicensingCertificate) return;
        using var timer = new PeriodicTimer(options.Value.RevocationCheckInterval);
        do
        {
            try
            {
                if (_expiresAt is null || _expiresAt - clock.GetUtcNow() < TimeSpan.FromDays(30)) await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Getting the RDP endpoint's licensing certificate from a license server failed; the next try is in {Interval}", options.Value.RevocationCheckInterval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Asks the listed, enrolled license servers in order; returns why none gave a usable chain, or null when the endpoint uses one now.</summary>
    public async Task<string?> RefreshAsync(CancellationToken cancellationToken)
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
            IssuedBy = url;
            log.LogInformation("The RDP endpoint's License Request now carries an X.509 chain from license server {Url} (Product ID {ProductId}), valid until {ExpiresAt:yyyy-MM-dd}",
                url, reply.Value.ProductId, reply.Value.ExpiresAt);
            return null;
        }
        return problems.Count == 0 ? "no license server the host is enrolled with is listed" : string.Join("; ", problems);
    }
}
