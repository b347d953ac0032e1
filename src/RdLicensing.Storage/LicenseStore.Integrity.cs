using Dapper;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

/// <summary>Whom a CAL row belongs to: its device for a Per Device CAL, its user for a Per User CAL.</summary>
public sealed record CalOwner(long Id, CalType Type, string? HardwareId, string? UserName);

/// <summary>A device (hardware id) or user holding more than one live CAL of a version: a CAL issued twice.</summary>
public sealed record HolderOfTwoCals(string Holder, CalType Type, ProductVersion Version, int Cals);

/// <summary>Read-only checks of the invariants that must survive anything, a crash included (`rdlic bench verify`).</summary>
public sealed partial class LicenseStore
{
    // Ids per query: well under SQLite's and PostgreSQL's parameter limits.
    private const int IdsPerQuery = 500;

    /// <summary>The owners of those of <paramref name="ids"/> that exist; a missing id is absent from the answer.</summary>
    public Task<IReadOnlyList<CalOwner>> CalOwnersAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<CalOwner>>(async c =>
        {
            var owners = new List<CalOwner>(ids.Count);
            foreach (var chunk in ids.Distinct().Chunk(IdsPerQuery))
            {
                // Named parameters spelled out: the same SQL on both dialects, whatever Dapper does with lists per provider.
                var args = new DynamicParameters();
                for (var i = 0; i < chunk.Length; i++) args.Add("i" + i, chunk[i]);
                var list = string.Join(", ", chunk.Select((_, i) => "@i" + i));
                var rows = await c.QueryAsync<(long id, long type, string? hardware, string? user)>(new CommandDefinition(
                    $"SELECT id, cal_type, hardware_id, user_name FROM issued_cals WHERE id IN ({list})", args, cancellationToken: cancellationToken));
                owners.AddRange(rows.Select(r => new CalOwner(r.id, (CalType)r.type, r.hardware, r.user)));
            }
            return owners;
        }, cancellationToken);

    /// <summary>
    /// CALs issued twice: a device holding two live CALs of one version that each hold a license, or a user with two live
    /// Per User CALs of one version (OverUsed ones included: they hold no license but are still a second CAL).
    /// </summary>
    public Task<IReadOnlyList<HolderOfTwoCals>> HoldersOfTwoCalsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<HolderOfTwoCals>>(async c =>
            (await c.QueryAsync<(string holder, long type, long version, long count)>(new CommandDefinition(
                """
                SELECT CASE WHEN cal_type = 0 THEN hardware_id ELSE LOWER(user_name) END, cal_type, product_version, COUNT(*) FROM issued_cals
                WHERE status IN (@temporary, @active)
                  AND ((cal_type = 0 AND holds_slot = 1 AND hardware_id IS NOT NULL) OR (cal_type = 1 AND user_name IS NOT NULL))
                GROUP BY CASE WHEN cal_type = 0 THEN hardware_id ELSE LOWER(user_name) END, cal_type, product_version HAVING COUNT(*) > 1
                ORDER BY 1
                """, new { temporary = (int)CalStatus.Temporary, active = (int)CalStatus.Active }, cancellationToken: cancellationToken)))
            .Select(r => new HolderOfTwoCals(r.holder, (CalType)r.type, (ProductVersion)r.version, (int)r.count)).ToList(), cancellationToken);
}
