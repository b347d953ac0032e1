using Dapper;
using RdLicensing.Core.KeyPacks;

namespace RdLicensing.Storage;

// Convert Licenses: the source pack gives up licenses that are not issued, in the same transaction that installs the converted pack.
public sealed partial class LicenseWriteSession
{
    /// <summary>
    /// The source pack, re-signed by the clearinghouse with a smaller total, replaces its stored document. Guarded: false
    /// (nothing changed) unless the pack still has <paramref name="before"/> licenses and no more than <paramref name="after"/>
    /// of them are issued — issued licenses are never converted.
    /// </summary>
    public async Task<bool> ReduceKeyPackAsync(Guid id, int before, int after, string document, DateTimeOffset signedAt) =>
        await PacksChanged(_tx.Connection.ExecuteAsync(Cmd(
            "UPDATE key_packs SET total = @after, document = @document, signed_at = @signedAt WHERE id = @id AND total = @before AND issued <= @after",
            new { id = id.ToString("D"), before, after, document, signedAt = Times.ToDb(signedAt) }))) == 1;

    /// <summary>
    /// A pack converted whole goes away. Only when none of its licenses is issued; CAL records that no longer hold one of its
    /// licenses (expired, revoked, upgraded) stay in the history without the link to the pack. False when a license is issued.
    /// </summary>
    public async Task<bool> RetireKeyPackAsync(KeyPack pack)
    {
        var id = pack.Id.ToString("D");
        if (await _tx.Connection.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(*) FROM key_packs WHERE id = @id AND issued = 0 AND total = @total",
                new { id, total = pack.Total })) != 1)
            return false;
        await _tx.Connection.ExecuteAsync(Cmd("UPDATE issued_cals SET key_pack_id = NULL WHERE key_pack_id = @id AND holds_slot = 0", new { id }));
        return await PacksChanged(_tx.Connection.ExecuteAsync(Cmd("DELETE FROM key_packs WHERE id = @id", new { id }))) == 1;
    }
}
