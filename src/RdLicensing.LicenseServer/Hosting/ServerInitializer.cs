using RdLicensing.ServiceDefaults;
using RdLicensing.Core.Versions;
using System.Globalization;
using Microsoft.Extensions.Options;
using RdLicensing.Core.Activation;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Events;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Time;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Hosting;

/// <summary>
/// Runs before the server accepts requests: migrates the database, creates or loads the server identity,
/// loads the trusted clearinghouse certificate and the activation, restores the simulated clock, and
/// creates the first administrator credential when there is none.
/// </summary>
public sealed class ServerInitializer(
    LicenseStore store,
    ServerState state,
    TimeProvider clock,
    IOptions<LicenseServerOptions> options,
    ILogger<ServerInitializer> log) : IHostedService, IDisposable
{
    private DataDirectoryLock? _lock;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // Before the database is touched: two servers, or a server and a restore, must never share it.
        _lock = DataDirectoryLock.TryAcquire(settings.DataDirectory)
                ?? throw new InvalidOperationException(DataDirectoryLock.InUseMessage(settings.DataDirectory));
        var applied = await store.MigrateAsync(cancellationToken);
        if (applied > 0) log.LogInformation("Applied {Count} database migration(s) to {Database}", applied, StoreDialects.Describe(store.Dialect));

        var clearinghouse = LoadClearinghouse(settings);
        var (identity, installationId, storedKey, retired) = await LoadOrCreateIdentityAsync(cancellationToken);

        if (clock is SimulatedTimeProvider simulated &&
            await store.SettingAsync(SettingNames.SimulatedClockOffset, cancellationToken) is { } ticks)
        {
            simulated.Advance(TimeSpan.FromTicks(long.Parse(ticks, CultureInfo.InvariantCulture)));
        }

        ActivationCertificate? activation = null;
        if (await store.SettingAsync(SettingNames.LicenseServerId, cancellationToken) is { } licenseServerId && clearinghouse is not null)
        {
            try
            {
                // An expired activation still loads, so status can say it expired.
                activation = LicenseServerIdCode.Verify(licenseServerId, clearinghouse, identity.ProductId);
            }
            catch (Exception e) when (e is SignedDocumentException or FormatException)
            {
                log.LogWarning("The stored activation no longer verifies ({Reason}); the server runs as not activated", e.Message);
                await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.CertificateProblem,
                    $"The stored activation no longer verifies against the trusted clearinghouse ({e.Message}). Reactivate the license server."), cancellationToken);
            }
        }
        var deactivated = await store.SettingAsync(SettingNames.Deactivated, cancellationToken) == "true";
        state.Initialize(identity, settings.ProductVersion, clearinghouse, activation, deactivated, installationId, storedKey, retired);

        await EnsureAdminCredentialAsync(settings, cancellationToken);
        await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.ServiceStarted,
            $"The license server {identity.ProductId} ({settings.ProductVersion.ToDisplayName()}) started on {store.Dialect.Name}."), cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_lock is null) return;
        try
        {
            await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.ServiceStopped, "The license server stopped."), cancellationToken);
        }
        finally
        {
            Dispose();
        }
    }

    public void Dispose() => Interlocked.Exchange(ref _lock, null)?.Dispose();

    private static ClearinghouseCertificate? LoadClearinghouse(LicenseServerOptions settings)
    {
        if (string.IsNullOrWhiteSpace(settings.ClearinghouseCertificatePath)) return null;
        if (!File.Exists(settings.ClearinghouseCertificatePath))
            throw new InvalidOperationException($"The clearinghouse certificate file '{settings.ClearinghouseCertificatePath}' does not exist.");
        try
        {
            return ClearinghouseCertificate.FromPem(File.ReadAllText(settings.ClearinghouseCertificatePath));
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"The clearinghouse certificate file '{settings.ClearinghouseCertificatePath}' is not usable: {e.Message}", e);
        }
    }

    private Task<(LicenseServerIdentity Identity, string InstallationId, string StoredKey, IReadOnlyList<RetiredServerKey> Retired)> LoadOrCreateIdentityAsync(CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var installationId = await s.SettingAsync(SettingNames.InstallationId);
            if (installationId is null)
            {
                installationId = NewInstallationId();
                await s.SetSettingAsync(SettingNames.InstallationId, installationId);
            }
            if (await ServerIdentityStore.LoadAsync(s) is { } loaded)
                return (loaded.Identity, installationId, loaded.StoredKey, loaded.Retired);
            var identity = LicenseServerIdentity.Create();
            var stored = Convert.ToBase64String(identity.ExportPkcs8());
            await s.SetSettingAsync(SettingNames.IdentityKey, stored);
            log.LogInformation("Created the license server identity; Product ID {ProductId}", identity.ProductId);
            return (identity, installationId, stored, (IReadOnlyList<RetiredServerKey>)[]);
        }, cancellationToken);

    /// <summary>A new installation id (see <see cref="SettingNames.InstallationId"/>).</summary>
    internal static string NewInstallationId() => Guid.NewGuid().ToString("D");

    private async Task EnsureAdminCredentialAsync(LicenseServerOptions settings, CancellationToken cancellationToken)
    {
        // Checked and created in one write: nodes starting together on a new shared database create one first administrator.
        var token = LicenseStore.NewToken("rdla");
        var created = await store.WriteAsync(async s =>
        {
            if ((await s.AdminCredentialsAsync()).Count > 0) return false;
            await s.AddAdminCredentialAsync("first administrator", token, clock.GetUtcNow());
            return true;
        }, cancellationToken);
        if (!created) return;
        await AdminTokenFile.WriteAsync(settings.AdminTokenPath, token, cancellationToken);
        log.LogInformation("Created the first administrator credential in {Path}", Path.GetFullPath(settings.AdminTokenPath));
    }
}
