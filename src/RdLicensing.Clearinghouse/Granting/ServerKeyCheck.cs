using RdLicensing.Core.Codes;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Proof;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// The clearinghouse's half of proof of possession, run inside the write transaction of the request it authorises: the key
/// that signed must be the key recorded for the Product ID — at first contact, the key the Product ID derives from, which
/// is then recorded — and the proof's nonce must never have been used. A refusal rolls the whole transaction back.
/// </summary>
/// <remarks>
/// Knowing a Product ID, a License Server ID or any token is worth nothing here: only a signature by the recorded key
/// passes. Every refusal uses one problem type per cause, and never says which key the clearinghouse holds.
/// </remarks>
public static class ServerKeyCheck
{
    /// <summary>
    /// Checks that <paramref name="publicKey"/> (SubjectPublicKeyInfo, whose signature the caller has already verified over
    /// the request) may act for <paramref name="productId"/>, and uses <paramref name="nonce"/>. Returns the current key record.
    /// </summary>
    /// <param name="takesOverInstallation">A reactivation "redeployed": this installation takes the identity over from the recorded one,
    /// which is told it was retired at its next contact. Otherwise a second installation of the key is refused (clone detection).</param>
    /// <param name="contact">The installation's clearinghouse contact number the proof signed (version 2 proofs), checked once the installation is.</param>
    public static async Task<ServerKeyRecord> RequireAsync(ClearinghouseWriteSession session, string productId, byte[] publicKey, string nonce,
        ServerRequestPurpose purpose, string? installationId, DateTimeOffset now, bool takesOverInstallation = false, long? contact = null)
    {
        var fingerprint = ServerRequestProof.Fingerprint(publicKey);
        var current = await session.CurrentServerKeyAsync(productId);
        if (current is null)
        {
            // First contact (or a server activated before keys were recorded): only the key the Product ID comes from.
            if (LicenseServerIdentity.DeriveProductId(publicKey) != productId)
                throw NotProven(productId);
            await session.RecordServerKeyAsync(productId, publicKey, fingerprint, installationId, now);
            current = await session.CurrentServerKeyAsync(productId) ?? throw new InvalidOperationException("the key just recorded is not current");
        }
        else if (!current.PublicKey.AsSpan().SequenceEqual(publicKey))
        {
            var retired = (await session.ServerKeysAsync(productId)).FirstOrDefault(k => k.Fingerprint == fingerprint && k.PublicKey.AsSpan().SequenceEqual(publicKey));
            if (retired is not null)
                throw ClearinghouseRefusal.Conflict("proof-key-retired", "License server key retired",
                    $"License server {productId} signed with a key the clearinghouse retired on {retired.RetiredAt:yyyy-MM-dd} ({retired.RetiredReason}). " +
                    "This copy of the license server no longer holds its identity: use the license server that reactivated, or contact the vendor's operator.");
            throw NotProven(productId);
        }
        if (!await session.TryUseNonceAsync(nonce, productId, purpose.ToString(), now))
            throw ClearinghouseRefusal.Conflict("proof-replayed", "Request already used",
                "This signed request (or request code) was used before; each is good once. Create a new one on the license server.");
        if (installationId is not null)
        {
            await RequireInstallationAsync(session, productId, current, installationId, now, takesOverInstallation);
            if (contact is { } number) await RequireNewContactAsync(session, productId, installationId, number, now);
            else if (await session.HighestContactAsync(productId, installationId) is { } highest)
                // A version 1 proof (no contact number) from an installation that has numbered its contacts: a copy of its database
                // would otherwise step around the contact-number check by signing the old way.
                throw ClearinghouseRefusal.Unprocessable("proof-version-outdated", "Request without a contact number",
                    $"License server {productId} (installation {installationId}) has numbered its clearinghouse contacts (up to {highest}); a request without a contact " +
                    "number is refused from it. Make the request from the license server itself, with this version of RdLicensing.");
        }
        return current;
    }

    /// <summary>
    /// Clone detection for a plain file copy, which keeps the installation id: each contact number of an installation is good once.
    /// The request's nonce is new (a replay was refused above), so a number used before means a second live copy of the same database
    /// made it. The copy that contacts second with a number is refused; the other keeps working.
    /// </summary>
    private static async Task RequireNewContactAsync(ClearinghouseWriteSession session, string productId, string installationId, long contact, DateTimeOffset now)
    {
        var (used, highest) = await session.TryUseContactAsync(productId, installationId, contact, now);
        if (used) return;
        var lastContact = await session.ServerLastContactAsync(productId);
        throw ClearinghouseRefusal.Conflict("clone-detected", "Another copy of this license server is active",
            $"License server {productId} (installation {installationId}) made clearinghouse contact number {contact}, which another copy of the same installation " +
            $"already made (the highest so far is {highest}; last accepted contact {lastContact:yyyy-MM-dd HH:mm} UTC): two copies of one data directory are running " +
            "(a plain file copy). This copy was refused and now acts as a new installation; the other copy keeps the identity. Stop this copy — or, if it is the one " +
            "to keep, stop the other and reactivate this one with reason 'redeployed' (rdlic server reactivate --reason redeployed).",
            new Dictionary<string, object?>
            {
                ["installationId"] = installationId, ["activeInstallationId"] = installationId, ["contact"] = contact, ["highestContact"] = highest,
                ["activeLastContact"] = lastContact, ["cause"] = "contact-number-reused",
            });
    }

    /// <summary>
    /// Clone detection: the current key acts from one installation (database) at a time. A copy of the identity restored or
    /// copied elsewhere signs correctly but names another installation: it is refused, and told which one to retire.
    /// </summary>
    private static async Task RequireInstallationAsync(ClearinghouseWriteSession session, string productId, ServerKeyRecord current, string installationId,
        DateTimeOffset now, bool takesOver)
    {
        var recorded = current.InstallationId;
        if (recorded is not null && recorded != installationId)
        {
            if (await session.RetiredInstallationAsync(productId, installationId) is { } retired)
                throw ClearinghouseRefusal.Conflict("installation-retired", "This installation was retired",
                    $"This installation ({installationId}) of license server {productId} was retired on {retired.RetiredAt:yyyy-MM-dd HH:mm} UTC, when installation " +
                    $"{retired.ReplacedBy} took the identity over (reactivated as redeployed). Stop this copy of the license server; the other one is the license server now.",
                    new Dictionary<string, object?> { ["installationId"] = installationId, ["replacedBy"] = retired.ReplacedBy });
            if (!takesOver)
            {
                var lastContact = await session.ServerLastContactAsync(productId) ?? current.RecordedAt;
                throw ClearinghouseRefusal.Conflict("clone-detected", "Another copy of this license server is active",
                    $"License server {productId} is active at the clearinghouse as installation {recorded} (last contact {lastContact:yyyy-MM-dd HH:mm} UTC); " +
                    $"this is another installation ({installationId}) of the same identity — a copy (restored backup, copied data directory). " +
                    "If this copy replaces the other, reactivate it with reason 'redeployed' here (rdlic server reactivate --reason redeployed); otherwise stop this copy.",
                    new Dictionary<string, object?> { ["installationId"] = installationId, ["activeInstallationId"] = recorded, ["activeLastContact"] = lastContact });
            }
            await session.RetireInstallationAsync(productId, recorded, installationId, now);
        }
        await session.TouchServerInstallationAsync(productId, installationId, now);
    }

    /// <summary>A request code read, its signature checked against the recorded key (or the key it carries at first activation).</summary>
    public static async Task<(ServerRequestCodeContent Code, ServerKeyRecord Key)> RequireCodeAsync(ClearinghouseWriteSession session, ServerRequestCodeContent code,
        ServerRequestPurpose expected, DateTimeOffset now)
    {
        if (code.Purpose != expected)
            throw ClearinghouseRefusal.Unprocessable("request-code-purpose", "Request code for something else",
                $"This request code was made to {Describe(code.Purpose)}, not to {Describe(expected)}: create the right one on the license server.", "requestCode");
        RequireFresh(code, now);
        var current = await session.CurrentServerKeyAsync(code.ProductId);
        var key = current?.PublicKey ?? code.EmbeddedPublicKey
            ?? throw ClearinghouseRefusal.Conflict("request-code-needs-key", "License server not known yet",
                $"The clearinghouse does not know license server {code.ProductId} yet: create the request code for a first activation on the license server (it carries the server's public key).");
        if (!code.VerifiesWith(key)) throw NotProven(code.ProductId, "requestCode");
        await RequireAsync(session, code.ProductId, key, "code-" + code.Nonce + "-" + code.ProductId, code.Purpose, null, now);
        return (code, (await session.CurrentServerKeyAsync(code.ProductId))!);
    }

    /// <summary>How long a request code can be carried to the clearinghouse: a code found later (a note, a mail) is worth nothing.</summary>
    public static readonly TimeSpan RequestCodeValidity = TimeSpan.FromDays(7);

    /// <summary>A request code is made on a day (UTC); it is refused from <see cref="RequestCodeValidity"/> after that day, and before it.</summary>
    public static void RequireFresh(ServerRequestCodeContent code, DateTimeOffset now)
    {
        if (code.CreatedOn > now + TimeSpan.FromDays(1) || code.CreatedOn + RequestCodeValidity + TimeSpan.FromDays(1) <= now)
            throw ClearinghouseRefusal.Unprocessable("request-code-expired", "Request code expired",
                $"This request code was made on {code.CreatedOn:yyyy-MM-dd}; a request code is good for {RequestCodeValidity.TotalDays:0} days. Create a new one on the license server.",
                "requestCode");
    }

    /// <summary>Reads a typed request code, naming a mistyped group.</summary>
    public static ServerRequestCodeContent ReadCode(string? text, string field = "requestCode")
    {
        try
        {
            return ServerRequestCode.Read(text);
        }
        catch (CodeFormatException e)
        {
            throw ClearinghouseRefusal.Mistyped(field, e.Group, e.Message);
        }
    }

    public static ClearinghouseRefusal NotProven(string productId, string? field = null) =>
        ClearinghouseRefusal.Unprocessable("proof-not-recognized", "Not signed by the license server",
            $"The request for license server {productId} is not signed by that license server's key. Only the license server itself can ask for this: " +
            "run the action on the license server (automatic method), or carry the request code it shows to the web page or the operator.", field);

    public static string Describe(ServerRequestPurpose purpose) => purpose switch
    {
        ServerRequestPurpose.Activate => "activate",
        ServerRequestPurpose.Reactivate => "reactivate",
        ServerRequestPurpose.Install => "install licenses",
        ServerRequestPurpose.Reissue => "reissue key packs",
        ServerRequestPurpose.MigrateIn => "receive migrated licenses",
        ServerRequestPurpose.MigrateOut => "give up licenses for a migration",
        ServerRequestPurpose.Convert => "convert licenses",
        ServerRequestPurpose.Deactivate => "deactivate",
        _ => purpose.ToString(),
    };
}
