using System.Text.Json;
using Microsoft.Extensions.Options;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Events;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Remote;

/// <summary>
/// The automatic connection method: this server's calls to the clearinghouse at
/// <see cref="LicenseServerOptions.ClearinghouseUrl"/> (activation, Install Licenses, reissue, migration, Convert Licenses).
/// Every call is signed: the body is serialised once, and the <see cref="ServerRequestProof.HeaderName"/> header signs exactly
/// those bytes with the server's identity key, naming its Product ID and installation id — the clearinghouse acts for this
/// server only on that proof.
/// </summary>
public sealed class ClearinghouseClient(HttpClient http, IOptions<LicenseServerOptions> options, ServerState server, LicenseStore store, TimeProvider clock,
    Licensing.MigratedAwayRecorder migratedAway, ILogger<ClearinghouseClient> log)
{
    private Uri? Base => Uri.TryCreate(options.Value.ClearinghouseUrl?.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var uri)
                         && uri.Scheme is "http" or "https" ? uri : null;

    public bool IsConfigured => Base is not null;

    /// <summary>The clearinghouse's web page (e.g. "activate", "install") for the web method, when its address is known.</summary>
    public string? PageUrl(string page) => Base is { } b ? new Uri(b, page).ToString() : null;

    /// <param name="signedBy">The key that signs instead of the identity key: a new key the vendor's operator recorded (key-compromise procedure).</param>
    public Task<ActivationResponse> ActivateAsync(ActivationRequestBody body, CancellationToken cancellationToken, Core.Identity.LicenseServerIdentity? signedBy = null) =>
        PostAsync<ActivationResponse>("api/activations", body, cancellationToken, signedBy: signedBy);

    public Task<JsonElement> DeactivateAsync(DeactivationRequestBody body, CancellationToken cancellationToken) =>
        PostAsync<JsonElement>("api/activations/deactivate", body, cancellationToken);

    public Task<GrantedKeyPack> InstallLicensesAsync(LicenseInstallRequestBody body, CancellationToken cancellationToken) =>
        PostAsync<GrantedKeyPack>("api/licenses", body, cancellationToken);

    public Task<ReissueResponse> ReissueAsync(ReissueRequestBody body, CancellationToken cancellationToken) =>
        PostAsync<ReissueResponse>("api/reissue", body, cancellationToken);

    public Task<MigrationResponse> MigrateAsync(MigrationRequestBody body, CancellationToken cancellationToken) =>
        PostAsync<MigrationResponse>("api/migrations", body, cancellationToken);

    /// <summary>MigrateOut: this (source) server gives up key packs it already removed, for one target.</summary>
    public Task<MigrationReleaseResponse> ReleaseAsync(MigrationReleaseRequestBody body, CancellationToken cancellationToken) =>
        PostAsync<MigrationReleaseResponse>("api/migrations/release", body, cancellationToken);

    /// <summary>
    /// Convert Licenses, called from inside a write transaction (the conversion holds it across the call): its contact
    /// number was reserved before the transaction (<see cref="ReserveContactAsync"/>), and what this client records about the
    /// answer is written after that transaction ends — a write from here would wait for it for ever.
    /// </summary>
    public Task<ConversionResponse> ConvertAsync(ConversionRequestBody body, ReservedContact contact, CancellationToken cancellationToken) =>
        PostAsync<ConversionResponse>("api/conversions", body, cancellationToken, contact);

    /// <summary>A contact number for a call made later from inside a write transaction: committed now, used once.</summary>
    public sealed record ReservedContact(long Number);

    /// <summary>Commits the next contact number (a skipped number is harmless: numbers only go up) for a call made inside a transaction.</summary>
    public async Task<ReservedContact> ReserveContactAsync(CancellationToken cancellationToken) =>
        new(await store.WriteAsync(NextContactAsync, cancellationToken));

    private static async Task<long> NextContactAsync(LicenseWriteSession s)
    {
        var next = long.TryParse(await s.SettingAsync(SettingNames.ClearinghouseContacts), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var n) ? n + 1 : 1;
        await s.SetSettingAsync(SettingNames.ClearinghouseContacts, next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return next;
    }

    /// <summary>Writes now, or — for a call inside a write transaction — once that transaction has ended (queued behind it, not awaited).</summary>
    private Task WriteAsync(Func<LicenseWriteSession, Task> work, ReservedContact? insideWrite)
    {
        if (insideWrite is null) return store.WriteAsync(work, CancellationToken.None);
        After(() => store.WriteAsync(work, CancellationToken.None));
        return Task.CompletedTask;
    }

    /// <summary>Runs <paramref name="write"/> once the caller's transaction has ended; a failure is logged, never lost.</summary>
    private void After(Func<Task> write) =>
        _ = Task.Run(write).ContinueWith(t => log.LogError(t.Exception, "Recording a clearinghouse answer after a conversion failed"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private async Task<T> PostAsync<T>(string path, object body, CancellationToken cancellationToken, ReservedContact? reserved = null,
        Core.Identity.LicenseServerIdentity? signedBy = null)
    {
        try
        {
            var answer = await SignedPostAsync<T>(path, body, cancellationToken, reserved, signedBy);
            // Accepted again (this installation took the identity over): the old notices no longer hold.
            if (await store.SettingAsync(SettingNames.InstallationRetiredNotice, cancellationToken) is not null)
                await WriteAsync(s => s.DeleteSettingAsync(SettingNames.InstallationRetiredNotice), reserved);
            if (await store.SettingAsync(SettingNames.CloneDetectedNotice, cancellationToken) is not null)
                await WriteAsync(s => s.DeleteSettingAsync(SettingNames.CloneDetectedNotice), reserved);
            return answer;
        }
        catch (RemoteCallException e) when (e.Is("clone-detected") && e.Cause == "contact-number-reused")
        {
            // Another live copy of this very database (same installation id) holds the identity at the clearinghouse. This copy stops speaking as that installation: it takes a
            // new installation id (as a restore does), so every later contact is refused as another installation until the administrator
            // retires one copy or reactivates this one with reason "redeployed" — two copies never take turns. Status and the log say so.
            var renewed = ServerInitializer.NewInstallationId();
            await WriteAsync(async s =>
            {
                await s.SetSettingAsync(SettingNames.InstallationId, renewed);
                await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.CloneDetected,
                    $"The clearinghouse refused this copy of license server {server.ProductId}: {e.Message} This copy is now installation {renewed}.");
                await s.SetSettingAsync(SettingNames.CloneDetectedNotice, e.Message);
            }, reserved);
            server.SetInstallationId(renewed);
            throw;
        }
        catch (RemoteCallException e) when (e.ProblemType?.EndsWith("/installation-retired", StringComparison.Ordinal) == true)
        {
            // Another installation of this identity took it over: say so in status and the event log, not only to this caller.
            await WriteAsync(async s =>
            {
                if (await s.SettingAsync(SettingNames.InstallationRetiredNotice) is null)
                    await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.InstallationRetired, e.Message);
                await s.SetSettingAsync(SettingNames.InstallationRetiredNotice, e.Message);
            }, reserved);
            throw;
        }
    }

    private async Task<T> SignedPostAsync<T>(string path, object body, CancellationToken cancellationToken, ReservedContact? reserved,
        Core.Identity.LicenseServerIdentity? signedBy)
    {
        var b = Base ?? throw new RemoteCallException(RemoteFailure.NotConfigured,
            "No clearinghouse address is configured for the automatic connection method. Use the web or telephone method, or start the server with the clearinghouse address (rdlic server run --clearinghouse-url URL; rdlic up sets it).");
        var uri = new Uri(b, path);
        // The number is committed before the request leaves: a copy of the database made from now on continues after it, as this one does.
        var contact = reserved?.Number ?? await store.WriteAsync(NextContactAsync, cancellationToken);
        try
        {
            return await RemoteJson.SendAsync<T>(http, HttpMethod.Post, uri, body, null, $"The clearinghouse at {b.ToString().TrimEnd('/')}", cancellationToken,
                (request, bytes) => request.Headers.TryAddWithoutValidation(ServerRequestProof.HeaderName,
                    ServerRequestProof.Create((signedBy ?? server.Identity).Key, server.ProductId, server.InstallationId, "POST", "/" + path, bytes, contact)));
        }
        catch (RemoteCallException e) when (e.Is(MigrationProblems.MigratedAway))
        {
            // A migration for a "no longer functioning" source took packs of this server: they leave it now, and status says so.
            if (reserved is null) await migratedAway.RecordAsync(e, cancellationToken);
            else After(() => migratedAway.RecordAsync(e, CancellationToken.None)); // after the caller's transaction ends
            throw;
        }
    }
}
