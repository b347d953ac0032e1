using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.ServiceDefaults;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.LicenseServers;

/// <summary>The host's token for a license server was refused or is malformed; the message says what to do.</summary>
public sealed class EnrollmentException(string message) : Exception(message);

public sealed record EnrollmentResult(string LicenseServer, DateTimeOffset EnrolledAt, string? ProductId, string Message);

/// <summary>
/// Enrollment from the host's side: it keeps, per license server URL, the token that server issued for it
/// (`rdlic hosts enroll NAME` or POST /api/admin/sessionhosts), exactly as given, since it presents it with
/// every request. In-process callers (`rdlic up`, tests) can enroll with the license server's administrator
/// token instead: <see cref="JoinAsync"/>.
/// </summary>
public sealed class LicenseServerEnrollment(
    SessionHostStore store,
    LicenseServerCalls calls,
    LicenseServerKeys keys,
    RevocationLists revocations,
    HostConfiguration configuration,
    IHttpClientFactory httpClients,
    IOptions<SessionHostOptions> options,
    TimeProvider clock)
{
    public const int MaxTokenLength = 200;

    /// <summary>
    /// Stores the host's token for <paramref name="url"/> (a normalised license server URL). When the server can be
    /// reached the token is checked first and its signing key learned; an unreachable server gets the token unchecked.
    /// </summary>
    /// <exception cref="EnrollmentException">The token is malformed, or the license server refused it.</exception>
    public async Task<EnrollmentResult> StoreTokenAsync(string url, string token, CancellationToken cancellationToken = default)
    {
        token = token.Trim();
        if (!token.StartsWith("rdlh_", StringComparison.Ordinal) || token.Length > MaxTokenLength || token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new EnrollmentException("the token must be the session host token 'rdlh_…' that 'rdlic hosts enroll NAME' printed on the license server.");
        var check = await calls.InfoWithTokenAsync(url, token, cancellationToken);
        if (check.Contact is LicenseServerContact.AccessDenied or LicenseServerContact.Failed or LicenseServerContact.Rejected)
            throw new EnrollmentException($"license server {url} did not accept the token: {check.Problem}.");

        var now = clock.GetUtcNow();
        await store.WriteAsync(async s =>
        {
            await s.SetTokenAsync(url, token, now);
            await s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.EnrolledWithLicenseServer,
                check.Answered
                    ? $"Stored this host's token for license server {url} (Product ID {check.Value!.ProductId})."
                    : $"Stored this host's token for license server {url}, unchecked: the server could not be reached ({check.Problem}).",
                LicenseServer: url));
        }, cancellationToken);

        string? productId = null;
        if (check.Answered)
        {
            productId = (await keys.LearnAsync(url, cancellationToken)).Key?.Record.ProductId ?? check.Value!.ProductId;
            await revocations.SyncAsync(url, cancellationToken); // a newly enrolled host starts with the server's revocation list
        }
        var listed = (await configuration.LoadAsync(cancellationToken)).LicenseServers.Value.Contains(url, StringComparer.OrdinalIgnoreCase);
        var message = (check.Answered
                ? $"This session host ({options.Value.Name}) will present its token to license server {url} (Product ID {productId})."
                : $"The token for {url} was stored without checking it: the license server is not reachable now ({check.Problem}).")
            + (listed ? "" : $" {url} is not in the license server list yet: add it with 'rdlic sessionhost config set --license-server {url}'.");
        return new EnrollmentResult(url, now, productId, message);
    }

    /// <summary>
    /// Enrolls this host (as <see cref="SessionHostOptions.Name"/>) with a license server using that server's administrator
    /// token, and stores the token it issues. Each call issues a new token; the old one stops working.
    /// </summary>
    public async Task<EnrollmentResult> EnrollWithAdministratorTokenAsync(string licenseServerUrl, string administratorToken, bool inSecurityGroup = false,
        CancellationToken cancellationToken = default)
    {
        if (!LicenseServerUrls.TryNormalize(licenseServerUrl, out var url, out var error)) throw new EnrollmentException(error);
        var http = httpClients.CreateClient(LicenseServerCalls.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, url + "/api/admin/sessionhosts")
        {
            Content = JsonContent.Create(new EnrollBody(options.Value.Name, inSecurityGroup)),
        };
        BearerCredential.Attach(request, administratorToken);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new EnrollmentException($"license server {url} did not enroll session host {options.Value.Name}: {(int)response.StatusCode} {(await ProblemReader.ReadAsync(response, cancellationToken)).Summary}");
        var enrolled = await response.Content.ReadFromJsonAsync<EnrollResponse>(cancellationToken)
                       ?? throw new EnrollmentException($"license server {url} sent an empty enrollment answer.");
        return await StoreTokenAsync(url, enrolled.Token, cancellationToken);
    }

    /// <summary>
    /// What `rdlic up` does to put a session host beside its license server: enroll with the administrator token
    /// unless the stored token still works, and add the server to the local license server list unless it is
    /// there already or policy sets the list. Leaves the licensing mode alone (the administrator chooses it).
    /// The same license server (the same Product ID) at an address it no longer has — `rdlic up --port 0` picks a new
    /// port at every start — leaves the local list: it would only be a dead entry warned about on every connection.
    /// </summary>
    public async Task<EnrollmentResult> JoinAsync(string licenseServerUrl, string administratorToken, CancellationToken cancellationToken = default)
    {
        if (!LicenseServerUrls.TryNormalize(licenseServerUrl, out var url, out var error)) throw new EnrollmentException(error);
        // Where each known server was last seen, before this join records the new address.
        var seenAt = (await keys.KnownAsync(cancellationToken)).Select(k => k.Record).ToList();
        EnrollmentResult result;
        var existing = await store.TokenAsync(url, cancellationToken);
        var info = existing is null ? null : await calls.InfoAsync(url, cancellationToken);
        if (existing is not null && info is { Answered: true })
        {
            var key = (await keys.LearnAsync(url, cancellationToken)).Key;
            await revocations.SyncAsync(url, cancellationToken); // joining again (rdlic up): start with the current revocation list
            result = new EnrollmentResult(url, existing.EnrolledAt, key?.Record.ProductId ?? info.Value!.ProductId, $"Already enrolled with license server {url}.");
        }
        else
        {
            result = await EnrollWithAdministratorTokenAsync(url, administratorToken, cancellationToken: cancellationToken);
        }

        var config = await configuration.LoadAsync(cancellationToken);
        var message = $"Session host {options.Value.Name} uses license server {url}.";
        if (config.LicenseServers.Source != SettingSource.Policy)
        {
            var moved = seenAt
                .Where(k => result.ProductId is not null && k.ProductId == result.ProductId && !string.Equals(k.Url, url, StringComparison.OrdinalIgnoreCase))
                .Select(k => k.Url)
                .Where(old => config.LicenseServers.Value.Contains(old, StringComparer.OrdinalIgnoreCase))
                .ToList();
            var list = config.LicenseServers.Value.Where(u => !moved.Contains(u, StringComparer.OrdinalIgnoreCase)).ToList();
            if (!list.Contains(url, StringComparer.OrdinalIgnoreCase)) list.Add(url);
            if (!list.SequenceEqual(config.LicenseServers.Value, StringComparer.OrdinalIgnoreCase))
                await configuration.SetLocalAsync(new LocalSettingsChange(LicenseServers: list), cancellationToken);
            if (moved.Count > 0)
            {
                message += $" Its previous address{(moved.Count == 1 ? "" : "es")} {string.Join(", ", moved)} left the license server list (the same server, Product ID {result.ProductId}).";
                var now = clock.GetUtcNow();
                await store.WriteAsync(s => s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.EnrolledWithLicenseServer,
                    $"License server {result.ProductId} moved to {url}: {string.Join(", ", moved)} removed from the license server list.", LicenseServer: url)), cancellationToken);
            }
        }
        return result with { Message = message };
    }
}
