using RdLicensing.Core.Proof;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// How a request proved that the license server itself asks: the services that act for a server (activation, install,
/// reissue, conversion, deactivation) take one and call <see cref="RequireAsync"/> inside their write transaction, so a
/// refusal rolls everything back. The automatic method's proof is a <see cref="SignedServerRequest"/>; the web and telephone
/// methods carry a request code.
/// </summary>
public abstract class ServerProof
{
    /// <summary>The Product ID the proof speaks for.</summary>
    public abstract string ProductId { get; }

    /// <summary>The installation (database) of the server that signed, when the method names it.</summary>
    public abstract string? InstallationId { get; }

    /// <summary>The refusal <see cref="RequireAsync"/> threw, kept so the caller can record a security event after the rollback.</summary>
    public ClearinghouseRefusal? Refusal { get; protected set; }

    /// <summary>
    /// Inside the write transaction: the proof must speak for <paramref name="productId"/> (the one of the request body) and be
    /// signed by the key the clearinghouse holds for it (<see cref="ServerKeyCheck"/>); its nonce is used. Returns the key record.
    /// </summary>
    /// <param name="takesOverInstallation">A reactivation "redeployed": the signing installation takes the identity over (clone detection).</param>
    public async Task<ServerKeyRecord?> RequireAsync(ClearinghouseWriteSession session, string productId, ServerRequestPurpose purpose, DateTimeOffset now,
        bool takesOverInstallation = false)
    {
        try
        {
            if (productId != ProductId)
                throw ClearinghouseRefusal.Unprocessable("proof-product-mismatch", "Signed for another license server",
                    $"The request is signed for license server {ProductId} but asks for license server {productId}: a license server can only act for itself.",
                    "productId");
            return await CheckAsync(session, purpose, now, takesOverInstallation);
        }
        catch (ClearinghouseRefusal refusal)
        {
            Refusal = refusal;
            throw;
        }
    }

    protected abstract Task<ServerKeyRecord?> CheckAsync(ClearinghouseWriteSession session, ServerRequestPurpose purpose, DateTimeOffset now, bool takesOverInstallation);

    /// <summary>
    /// The web and operator forms as they were before request codes: the License Server ID in the form is the only check. Used
    /// by those pages alone, until they carry the server's signed request code (ServerKeyCheck.RequireCodeAsync).
    /// </summary>
    public static ServerProof WebFormWithoutRequestCode(string productId) => new FormOnly(productId);

    private sealed class FormOnly(string productId) : ServerProof
    {
        public override string ProductId => productId;

        public override string? InstallationId => null;

        protected override Task<ServerKeyRecord?> CheckAsync(ClearinghouseWriteSession session, ServerRequestPurpose purpose, DateTimeOffset now, bool takesOverInstallation) =>
            Task.FromResult<ServerKeyRecord?>(null);
    }
}

/// <summary>
/// The automatic method's proof: the <see cref="ServerRequestProof.HeaderName"/> header, already verified over the exact
/// method, path and body bytes by <c>ServerProofs</c> before the endpoint ran.
/// </summary>
public sealed class SignedServerRequest(ServerRequestProof proof) : ServerProof
{
    public const string ItemKey = "RdLicensing.SignedServerRequest";

    public ServerRequestProof Proof { get; } = proof;

    public override string ProductId => Proof.ProductId;

    public override string? InstallationId => Proof.InstallationId;

    protected override async Task<ServerKeyRecord?> CheckAsync(ClearinghouseWriteSession session, ServerRequestPurpose purpose, DateTimeOffset now, bool takesOverInstallation) =>
        await ServerKeyCheck.RequireAsync(session, Proof.ProductId, Proof.PublicKey, Proof.Nonce, purpose, Proof.InstallationId, now, takesOverInstallation, Proof.Contact);

    /// <summary>Endpoint parameter binding: the proof the middleware verified for this request.</summary>
    public static ValueTask<SignedServerRequest?> BindAsync(HttpContext context) =>
        ValueTask.FromResult(context.Items[ItemKey] as SignedServerRequest);
}

/// <summary>
/// The web and telephone methods' proof: a request code the license server signed, carried by the administrator. Its purpose,
/// age, signature (against the key recorded for its Product ID) and single-use nonce are checked in the transaction
/// (<see cref="ServerKeyCheck.RequireCodeAsync"/>).
/// </summary>
public sealed class RequestCodeProof(ServerRequestCodeContent code) : ServerProof
{
    public ServerRequestCodeContent Code { get; } = code;

    public override string ProductId => Code.ProductId;

    public override string? InstallationId => null;

    protected override async Task<ServerKeyRecord?> CheckAsync(ClearinghouseWriteSession session, ServerRequestPurpose purpose, DateTimeOffset now, bool takesOverInstallation) =>
        (await ServerKeyCheck.RequireCodeAsync(session, Code, purpose, now)).Key;
}
