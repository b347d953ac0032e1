using System.Data.Common;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Storage;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// What the database alone can do: the writes of one CAL issuance — take a license, insert the CAL row, insert its
/// event — as one transaction committed durably on its own (<see cref="LicenseStore.WriteSingleAsync{T}"/>, never batched),
/// through the Storage layer, by as many concurrent writers as the load had. It runs on a scratch database of the same
/// dialect in the same place (the same file system, the same PostgreSQL cluster), so the server's data stays untouched.
/// </summary>
internal sealed class DatabaseBaseline(LicenseStore scratch)
{
    private readonly Guid _packId = Guid.NewGuid();
    private long _issued;

    /// <summary>Creates the scratch schema and one key pack with room for every issuance of the baseline.</summary>
    public async Task PrepareAsync(CancellationToken ct)
    {
        await scratch.MigrateAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var pack = new KeyPack(_packId, LicenseProgram.Retail, BenchServerSetup.HostVersion, CalType.PerDevice, KeyPackGrant.MaxQuantity, 0, null,
            "database baseline", new KeyPackOrigin("bench", "bench", "bench", now), now);
        await scratch.WriteSingleAsync(async s => { await s.InsertKeyPackAsync(pack, "{}"); return true; }, ct);
    }

    public async Task StepAsync(LoadWorker worker)
    {
        var hardwareId = $"baseline-{Interlocked.Increment(ref _issued)}";
        var started = LoadWorker.Now();
        try
        {
            await scratch.WriteSingleAsync(s => IssueAsync(s, hardwareId), CancellationToken.None);
            worker.Record(RequestKind.DatabaseWrite, started, "committed", null);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
        {
            worker.Record(RequestKind.DatabaseWrite, started, null, e.Message);
        }
    }

    /// <summary>The writes <c>CalIssuer</c> makes when it upgrades a device to a permanent CAL.</summary>
    private async Task<long> IssueAsync(LicenseWriteSession s, string hardwareId)
    {
        var now = DateTimeOffset.UtcNow;
        if (!await s.TakeLicenseAsync(_packId)) throw new InvalidOperationException("The baseline key pack ran out of licenses.");
        var id = await s.InsertCalAsync(new IssuedCal
        {
            Type = CalType.PerDevice, Status = CalStatus.Active, Version = BenchServerSetup.HostVersion, KeyPackId = _packId, Validated = true, HoldsSlot = true,
            HardwareId = hardwareId, ClientName = "PC-" + hardwareId, UserName = "bench-user", HostName = BenchServerSetup.HostName,
            IssuedAt = now, ExpiresAt = now.AddDays(CalRules.PermanentMinDays),
        });
        await s.AddEventAsync(now, LicensingEventId.TemporaryUpgradedToPermanent,
            $"The temporary CAL of PC-{hardwareId} was upgraded to a permanent Per Device CAL {id}.", BenchServerSetup.HostName, hardwareId, "bench-user", id);
        return id;
    }
}
