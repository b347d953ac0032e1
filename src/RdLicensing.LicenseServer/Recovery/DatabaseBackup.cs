using Microsoft.Extensions.Options;
using RdLicensing.Core.Events;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Recovery;

/// <summary>
/// A consistent copy of the running database — identity (private key) included, so a restore brings back
/// the same server. The copy passes through a temporary owner-only file in the data directory.
/// </summary>
public sealed class DatabaseBackup(LicenseStore store, TimeProvider clock, IOptions<LicenseServerOptions> options)
{
    public async Task<byte[]> CreateAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(options.Value.DataDirectory, $"backup-{Guid.NewGuid():N}.tmp");
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (new FileStream(path, create)) { }
            await store.Dialect.BackupToAsync(path, cancellationToken);
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.DatabaseBackedUp,
                $"A backup of the license server database ({bytes.Length / 1024} KiB, identity included) was taken."), cancellationToken);
            return bytes;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
