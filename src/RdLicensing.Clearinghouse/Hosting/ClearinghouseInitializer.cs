using Microsoft.Extensions.Options;
using RdLicensing.Core.Signing;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Hosting;

/// <summary>
/// Runs before the clearinghouse accepts requests: migrates its database, creates or loads the signing key
/// and root certificate (kept in the database, so a backup carries them), exports the certificate license
/// servers trust, and creates the vendor administrator token when there is none.
/// </summary>
public sealed class ClearinghouseInitializer(
    ClearinghouseStore store,
    ClearinghouseKeys keys,
    TimeProvider clock,
    IOptions<ClearinghouseOptions> options,
    ILogger<ClearinghouseInitializer> log) : IHostedService
{
    public const string AuthorityName = "RdLicensing Clearinghouse";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var applied = await store.MigrateAsync(cancellationToken);
        if (applied > 0) log.LogInformation("Applied {Count} migration(s) to {Database}", applied, settings.DatabasePath);

        var authority = await LoadOrCreateAuthorityAsync(cancellationToken);
        keys.Initialize(authority);
        // Rewritten at every start so the file always matches the key in the database.
        await File.WriteAllTextAsync(settings.CertificatePath, authority.Certificate.ToPem(), cancellationToken);

        await EnsureAdminTokenAsync(settings, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task<KeyAuthority> LoadOrCreateAuthorityAsync(CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            if (await s.SettingAsync(ClearinghouseStore.SigningKeySetting) is { } key &&
                await s.SettingAsync(ClearinghouseStore.CertificateSetting) is { } certificate)
                return KeyAuthority.FromPem(certificate, key);
            var authority = KeyAuthority.Create(AuthorityName, clock.GetUtcNow());
            await s.SetSettingAsync(ClearinghouseStore.SigningKeySetting, authority.PrivateKeyPem());
            await s.SetSettingAsync(ClearinghouseStore.CertificateSetting, authority.Certificate.ToPem());
            log.LogInformation("Created the clearinghouse signing key; certificate {Thumbprint}", authority.Certificate.Thumbprint);
            return authority;
        }, cancellationToken);

    private async Task EnsureAdminTokenAsync(ClearinghouseOptions settings, CancellationToken cancellationToken)
    {
        if (await store.SettingAsync(ClearinghouseStore.AdminTokenHashSetting, cancellationToken) is not null) return;
        var token = LicenseStore.NewToken("rdca");
        // The vendor administrator's and the operators' password.
        await ServiceDefaults.AdminTokenFile.WriteAsync(settings.AdminTokenPath, token, cancellationToken);
        await store.WriteAsync(s => s.SetSettingAsync(ClearinghouseStore.AdminTokenHashSetting, LicenseStore.HashToken(token)), cancellationToken);
        log.LogInformation("Created the clearinghouse administrator token in {Path}", Path.GetFullPath(settings.AdminTokenPath));
    }
}
