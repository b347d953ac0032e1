using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// After a database rebuild the license server has lost its key packs; the clearinghouse signs again every
/// pack it recorded for the server, with the same key pack ids (so nothing is granted twice).
/// </summary>
public sealed class ReissueService(ClearinghouseStore store, LicenseServerVerifier verifier, GrantSigner signer, TimeProvider clock)
{
    public Task<ReissueResponse> ReissueAsync(ReissueRequestBody body, ServerProof proof, CancellationToken cancellationToken)
    {
        var server = verifier.Verify(body.ProductId, body.LicenseServerId);
        return store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await proof.RequireAsync(s, server.LicenseServerProductId, ServerRequestPurpose.Reissue, now);
            await LicenseServerVerifier.RequireActiveAsync(s, server, now);
            var installs = await s.ActiveInstallsAsync(server.LicenseServerProductId);
            return new ReissueResponse(installs.Select(i => signer.Sign(i, now)).ToList());
        }, cancellationToken);
    }
}
