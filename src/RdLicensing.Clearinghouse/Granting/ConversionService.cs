using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// Convert Licenses: a license server asks for part of a key pack this clearinghouse granted it as licenses of the other
/// CAL type. The clearinghouse checks its own record of the grant (it exists, belongs to that server, is still installed
/// there, holds at least the quantity, is of Windows Server 2012 or later), then — in one transaction — reduces the
/// recorded grant and records a new grant of the other type, so a later reissue gives back exactly the converted state.
/// It cannot know which licenses the server has issued: the server checks that before it asks.
/// </summary>
/// <remarks>
/// The answer carries the source pack <em>signed again</em> with its total reduced (same key pack id), rather than a
/// separate signed statement "take N from pack X": the license server then verifies both packs with the same verifier as
/// every key pack file, keeps a stored document that always matches the pack's total, and a rebuild's reissue sends the
/// very same packs. Only when the whole pack is converted is there no source pack left to sign; the license server then
/// requires the converted pack to hold all of the source's licenses, so the two packs never add up to more than the
/// clearinghouse granted.
/// </remarks>
public sealed class ConversionService(ClearinghouseStore store, LicenseServerVerifier verifier, GrantSigner signer, TimeProvider clock)
{
    public Task<ConversionResponse> ConvertAsync(ConversionRequestBody body, ServerProof proof, CancellationToken cancellationToken)
    {
        var server = verifier.Verify(body.ProductId, body.LicenseServerId);
        if (body.KeyPackId is not { } keyPackId || keyPackId == Guid.Empty)
            throw ClearinghouseRefusal.Invalid("keyPackId", "keyPackId is required: the id of the installed key pack whose licenses are converted.");
        var quantity = RequestFields.Quantity(body.Quantity, "quantity");

        return store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            var productId = server.LicenseServerProductId;
            await proof.RequireAsync(s, productId, ServerRequestPurpose.Convert, now);
            await LicenseServerVerifier.RequireActiveAsync(s, server, now);
            var source = await s.InstallAsync(keyPackId);
            if (source is null || source.ProductId != productId)
                throw ClearinghouseRefusal.NotFound("key-pack-not-found",
                    $"The clearinghouse has no key pack {keyPackId} recorded for license server {productId}: only packs it granted to this server can be converted.");
            if (source.Status == InstallStatus.Moved && await s.MigrationAsync(keyPackId) is not null)
                throw await MigrationService.NotHeldAsync(s, source);
            if (source.Status != InstallStatus.Active)
                throw ClearinghouseRefusal.Conflict("key-pack-not-active", "Key pack no longer installed",
                    $"Key pack {keyPackId} is no longer recorded on license server {productId}: it was {(source.Status == InstallStatus.Converted ? "converted whole" : source.Status)}" +
                    (source.MovedTo is { } to ? $" (now key pack {to})" : "") + ". Convert licenses of a pack the server holds now.");
            if (!KeyPackConversion.IsConvertible(source.Version))
                throw ClearinghouseRefusal.Unprocessable("conversion-version-too-old", "Version cannot be converted",
                    $"{source.Version.ToDisplayName()} CALs cannot be converted: Convert Licenses applies to Windows Server 2012 and later CALs.", "keyPackId");
            if (source.ExpiresAt is { } expires && expires <= now)
                throw ClearinghouseRefusal.Conflict("key-pack-expired", "Key pack expired",
                    $"Key pack {keyPackId} expired on {expires:yyyy-MM-dd}: its licenses can no longer be converted.");
            if (quantity > source.Quantity)
                throw ClearinghouseRefusal.Conflict("too-many-to-convert", "More than the key pack holds",
                    $"Key pack {keyPackId} holds {source.Quantity} license(s) by the clearinghouse's record; {quantity} cannot be converted. Convert at most {source.Quantity}.",
                    new Dictionary<string, object?> { ["field"] = "quantity", ["convertible"] = source.Quantity });

            var target = KeyPackConversion.TargetOf(source.Type);
            var converted = new InstallRecord(KeyPackIdCode.NewKeyPackId(), productId, source.Program, source.Identifier, source.Version, target, quantity,
                source.ExpiresAt, $"{GrantSigner.Describe(source.Version, target, source.Program)}, converted from {source.Type.ToDisplayName()}s",
                InstallStatus.Active, now);
            if (!await s.TakeFromInstallAsync(keyPackId, source.Quantity, quantity, converted.KeyPackId))
                throw ClearinghouseRefusal.Conflict("key-pack-changed", "Key pack changed",
                    $"Key pack {keyPackId} changed while it was being converted (another conversion or a migration): nothing was converted. Try again.");
            await s.InsertInstallAsync(converted);
            await s.InsertConversionAsync(new ConversionRecord(keyPackId, converted.KeyPackId, productId, source.Version, source.Type, target, quantity,
                source.Quantity, now));

            var remaining = quantity == source.Quantity ? null : source with { Quantity = source.Quantity - quantity };
            var message = $"Converted {KeyPackConversion.Describe(quantity, source.Version, source.Type)} of key pack {keyPackId} into {target.ToDisplayName()}s " +
                          $"(key pack {converted.KeyPackId}); " +
                          (remaining is null ? "the whole pack was converted." : $"key pack {keyPackId} holds {remaining.Quantity} license(s) now.");
            return new ConversionResponse(keyPackId, source.Type.ToShortName(), target.ToShortName(), quantity,
                remaining is null ? null : signer.Sign(remaining, now), signer.Sign(converted, now), message);
        }, cancellationToken);
    }
}
