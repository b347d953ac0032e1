using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Apis;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Remote;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// Convert Licenses (RD Licensing Manager → key pack → Convert Licenses): unissued licenses of an installed pack become
/// licenses of the other CAL type, same version, through the clearinghouse (automatic connection method). The server checks
/// what it can (the pack, its version, how many licenses are not issued, its activation), asks the clearinghouse, verifies
/// the answer as it verifies every key pack (<see cref="KeyPackConversion.VerifyAnswer"/>), and applies it — the source pack
/// reduced (or gone, when converted whole) and the converted pack installed — in one transaction with event 5027.
/// </summary>
/// <remarks>
/// The whole exchange runs inside one write transaction, the clearinghouse call included. Otherwise a CAL issued from the
/// pack between the check and the answer could leave fewer unissued licenses than the clearinghouse has just converted,
/// and the two records would disagree. CAL requests wait for that call (bounded by the clearinghouse client's timeout);
/// conversions are rare administrator actions, and a refusal or an unreachable clearinghouse rolls everything back. The
/// call's contact number is committed before the transaction (a write made from inside it would wait for it for ever).
/// </remarks>
public sealed class KeyPackConversionService(LicenseStore store, ServerState server, TimeProvider clock, ClearinghouseClient clearinghouse)
{
    public async Task<KeyPackConversionResponse> ConvertAsync(Guid keyPackId, KeyPackConversionBody? body, CancellationToken cancellationToken)
    {
        if (body?.Quantity is not { } quantity || quantity < 1 || quantity > KeyPackGrant.MaxQuantity)
            throw Refusal.Invalid("quantity",
                body?.Quantity is null
                    ? "quantity is required: how many unissued licenses of the key pack to convert."
                    : $"quantity must be a whole number of licenses from 1; {body.Quantity} is not.");
        try
        {
            // The signed call inside the transaction needs its contact number committed before the transaction starts.
            var contact = await clearinghouse.ReserveContactAsync(cancellationToken);
            return await store.WriteAsync(s => ConvertAsync(s, keyPackId, quantity, contact, cancellationToken), cancellationToken);
        }
        catch (AnswerRejected e)
        {
            // The transaction rolled back; the rejection is logged on its own, as a rejected key pack file is.
            await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.KeyPackRejected, e.Message), cancellationToken);
            throw Refusal.Unprocessable("conversion-rejected", "Conversion answer rejected",
                $"{e.Message} Nothing changed on this license server. If the clearinghouse recorded the conversion, its record and this server now " +
                $"differ: tell the clearinghouse's support, naming key pack {keyPackId}.");
        }
        catch (RemoteCallException e) when (e.Failure == RemoteFailure.Unreachable)
        {
            await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.ClearinghouseUnavailable,
                $"Convert Licenses of key pack {keyPackId}: {e.Message}"), cancellationToken);
            throw;
        }
    }

    private async Task<KeyPackConversionResponse> ConvertAsync(LicenseWriteSession s, Guid keyPackId, int quantity, ClearinghouseClient.ReservedContact contact,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await s.ExpireDueAsync(now); // licenses of CALs that ended return to the pack first: they can be converted
        var pack = await s.KeyPackAsync(keyPackId)
                   ?? throw Refusal.NotFound("key-pack-not-found", $"There is no key pack {keyPackId} on this license server. List them with 'rdlic keypacks list'.");
        Check(pack, quantity, now);
        var status = server.ActivationStatusAt(now);
        if (status != "activated") throw Refusal.NotActivated(status, "convert licenses");
        if (server.Clearinghouse is not { } trusted)
            throw Refusal.Conflict("no-clearinghouse-trusted", "No clearinghouse trusted", KeyPackInstaller.NoClearinghouseMessage);

        var answer = await clearinghouse.ConvertAsync(
            new ConversionRequestBody(server.ProductId, server.Activation!.LicenseServerId, keyPackId, quantity), contact, cancellationToken);

        KeyPackGrant? remaining;
        KeyPackGrant converted;
        try
        {
            (remaining, converted) = KeyPackConversion.VerifyAnswer(pack, quantity, answer.Remaining?.KeyPackFile, answer.Converted?.KeyPackFile ?? "",
                trusted, server.ProductId, server.Version, now);
        }
        catch (KeyPackRejectedException e)
        {
            throw new AnswerRejected($"The clearinghouse's answer to Convert Licenses of key pack {keyPackId} was rejected: {e.Message.TrimEnd('.')}.");
        }
        if (await s.KeyPackExistsAsync(converted.KeyPackId))
            throw new AnswerRejected($"The clearinghouse's answer to Convert Licenses of key pack {keyPackId} was rejected: its converted key pack {converted.KeyPackId} is already installed (a replayed answer).");

        // Every check passed: apply exactly what the clearinghouse signed. The guards cannot fail while this transaction
        // holds the write lock; they keep the database right even if that ever changes.
        var applied = remaining is null
            ? await s.RetireKeyPackAsync(pack)
            : await s.ReduceKeyPackAsync(pack.Id, pack.Total, remaining.Quantity, answer.Remaining!.KeyPackFile, remaining.SignedAt);
        if (!applied)
            throw Refusal.Conflict("key-pack-changed", "Key pack changed", $"Key pack {keyPackId} changed while it was being converted; nothing was converted. Try again.");
        var installed = converted.ToKeyPack(trusted.Thumbprint, now);
        await s.InsertKeyPackAsync(installed, answer.Converted!.KeyPackFile);

        var source = remaining is null ? null : pack with { Total = remaining.Quantity, Origin = pack.Origin with { SignedAt = remaining.SignedAt } };
        var from = pack.Type.ToDisplayName();
        var to = installed.Type.ToDisplayName();
        var message = $"Converted {KeyPackConversion.Describe(quantity, pack.Version, pack.Type)} of key pack {pack.Id} into {to}s: " +
                      (source is null
                          ? $"the whole pack was converted, so key pack {pack.Id} is gone; "
                          : $"key pack {pack.Id} now holds {source.Total} {from}(s) ({source.Available} available); ") +
                      $"the new key pack {installed.Id} holds {installed.Total} {to}(s).";
        await s.AddEventAsync(now, LicensingEventId.KeyPackConverted, message);
        return new KeyPackConversionResponse(source?.ToView(), installed.ToView(), quantity, message);
    }

    /// <summary>What the license server alone can refuse: the version, the expiry, and licenses that are issued.</summary>
    private static void Check(KeyPack pack, int quantity, DateTimeOffset now)
    {
        var what = $"{pack.Version.ToDisplayName()} {pack.Type.ToDisplayName()}s";
        if (!KeyPackConversion.IsConvertible(pack.Version))
            throw Refusal.Unprocessable("conversion-version-too-old", "Version cannot be converted",
                $"Key pack {pack.Id} holds {what}: licenses older than Windows Server 2012 cannot be converted.");
        if (pack.IsExpired(now))
            throw Refusal.Conflict("key-pack-expired", "Key pack expired", $"Key pack {pack.Id} expired on {pack.ExpiresAt:yyyy-MM-dd}: its licenses can no longer be converted.");
        var extensions = new Dictionary<string, object?> { ["field"] = "quantity", ["convertible"] = pack.Available, ["issued"] = pack.Issued };
        if (pack.Available == 0)
            throw Refusal.Conflict("nothing-to-convert", "Nothing to convert",
                $"All {pack.Total} {what} of key pack {pack.Id} are issued, and issued licenses cannot be converted: none can be converted now.", extensions);
        if (quantity > pack.Available)
            throw Refusal.Conflict("too-many-to-convert", "More than can be converted",
                (pack.Issued == 0
                    ? $"Key pack {pack.Id} holds {pack.Total} {what}, so {quantity} cannot be converted. "
                    : $"Only {pack.Available} of the {pack.Total} {what} of key pack {pack.Id} can be converted: {pack.Issued} are issued, and issued licenses cannot be converted. ") +
                $"Convert at most {pack.Available}.", extensions);
    }

    /// <summary>The clearinghouse's answer failed verification; thrown inside the transaction so that it rolls back.</summary>
    private sealed class AnswerRejected(string message) : Exception(message);
}
