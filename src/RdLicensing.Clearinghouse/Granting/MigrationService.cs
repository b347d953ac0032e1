using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// Moves the key packs recorded for a source license server to the target: the source's records become
/// 'moved', the target gets new key packs (new ids) for the same licenses. All or nothing.
/// </summary>
public sealed class MigrationService(ClearinghouseStore store, LicenseServerVerifier verifier, GrantSigner signer, TimeProvider clock)
{
    public Task<MigrationResponse> MigrateAsync(MigrationRequestBody body, CancellationToken cancellationToken)
    {
        var target = verifier.Verify(body.TargetProductId, body.TargetLicenseServerId, "targetProductId", "targetLicenseServerId");
        var targetVersion = RequestFields.Version(body.TargetServerVersion, "targetServerVersion");
        var sourceProductId = string.IsNullOrWhiteSpace(body.SourceProductId) ? null : RequestFields.ProductId(body.SourceProductId, "sourceProductId");
        var sourceCode = sourceProductId is null ? SourceLicenseServerId(body.SourceLicenseServerId) : null;

        return store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await LicenseServerVerifier.RequireActiveAsync(s, target, now);
            var source = sourceProductId ?? (await s.ActivationByLicenseServerIdAsync(sourceCode!))?.ProductId
                ?? throw ClearinghouseRefusal.NotFound("source-not-found",
                    "No license server was activated with that License Server ID: check the source server's License Server ID, or give its Product ID.");
            if (source == target.LicenseServerProductId)
                throw ClearinghouseRefusal.Invalid(sourceProductId is null ? "sourceLicenseServerId" : "sourceProductId",
                    "The source is this license server: name the license server the licenses come from.");

            var installs = await s.ActiveInstallsAsync(source);
            if (body.KeyPackIds is { } wanted)
            {
                var missing = wanted.Where(id => installs.All(i => i.KeyPackId != id)).ToList();
                if (missing.Count > 0)
                    throw ClearinghouseRefusal.NotFound("key-pack-not-found",
                        $"Key pack {missing[0]} is not recorded as installed on license server {source}; nothing was moved. List the source's key packs and name only those.");
                installs = installs.Where(i => wanted.Contains(i.KeyPackId)).ToList();
            }
            if (installs.Count == 0)
                throw ClearinghouseRefusal.NotFound("nothing-to-migrate",
                    $"The clearinghouse has no key packs recorded for license server {source}; nothing was moved.");
            if (installs.FirstOrDefault(i => !VersionCompatibility.LicenseServerHosts(targetVersion, i.Version)) is { } tooNew)
                throw ClearinghouseRefusal.Unprocessable("version-not-hostable", "CAL version not hostable",
                    $"Key pack {tooNew.KeyPackId} holds {tooNew.Version.ToDisplayName()} CALs, which a {targetVersion.ToDisplayName()} license server cannot host; nothing was moved. " +
                    "Migrate to a license server of that version or later, or name only the key packs it can host.", "targetServerVersion");

            var granted = new List<GrantedKeyPack>();
            foreach (var install in installs)
            {
                var moved = install with
                {
                    KeyPackId = KeyPackIdCode.NewKeyPackId(), ProductId = target.LicenseServerProductId, InstalledAt = now, Status = InstallStatus.Active,
                };
                await s.MarkInstallMovedAsync(install.KeyPackId, moved.KeyPackId);
                await s.InsertInstallAsync(moved);
                granted.Add(signer.Sign(moved, now));
            }
            var message = $"Moved {granted.Count} key pack(s), {granted.Sum(g => g.Quantity)} CAL(s), from license server {source} to {target.LicenseServerProductId}.";
            if (body.SourceNoLongerFunctioning)
                message += " The source no longer functions: if it ever runs again, remove these licenses from it by hand.";
            return new MigrationResponse(granted, message);
        }, cancellationToken);
    }

    private static string SourceLicenseServerId(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
            throw ClearinghouseRefusal.Invalid("sourceProductId",
                "Name the source license server: sourceProductId when it still runs, or sourceLicenseServerId when it no longer functions.");
        try
        {
            LicenseServerIdCode.CheckTyping(code);
        }
        catch (CodeFormatException e)
        {
            throw ClearinghouseRefusal.Mistyped("sourceLicenseServerId", e.Group, e.Message);
        }
        return GroupedCode.Format(GroupedCode.Normalize(code));
    }
}
