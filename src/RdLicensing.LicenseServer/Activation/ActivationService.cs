using RdLicensing.Core.Activation;
using RdLicensing.Core.Events;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.LicenseServer.Remote;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Activation;

/// <summary>
/// The Activate Server, Reactivate Server and Deactivate Server wizards. Automatic: this server asks the
/// clearinghouse and installs the License Server ID it returns. Web and telephone: the administrator gets a request
/// code this server signed (<see cref="RequestCodeService"/>) and where to take it, and finishes with the License Server
/// ID (<see cref="ActivationInstaller"/>) or, to deactivate, the clearinghouse's confirmation code.
/// </summary>
public sealed class ActivationService(
    LicenseStore store,
    ServerState server,
    TimeProvider clock,
    ActivationInstaller installer,
    ClearinghouseClient clearinghouse,
    RequestCodeService requestCodes,
    PendingKeyService pendingKeys)
{
    /// <summary>The reasons of the Reactivate Server wizard, by their wire names.</summary>
    public static IReadOnlyDictionary<string, string> Reasons { get; } = new Dictionary<string, string>
    {
        ["redeployed"] = "the license server has been redeployed",
        ["certificate-corrupt"] = "the license server certificate has been corrupted",
        ["key-compromised"] = "the private key has been compromised",
        ["expired"] = "the activation key has expired",
        ["upgraded"] = "the license server has been upgraded",
    };

    /// <summary>The reasons that replace the identity key: the old one may be in someone else's hands, or unusable.</summary>
    public static bool RotatesKey(string reason) => reason is "key-compromised" or "certificate-corrupt";

    private const string FinishCommand = "rdlic server activate --license-server-id <License Server ID>";

    public async Task<ActivationInstructionsView> InstructionsAsync(string? method, string? country, CancellationToken cancellationToken) =>
        await InstructionsAsync(await MethodAsync(method, cancellationToken), country, await ServerProperties.ReadAsync(store, cancellationToken),
            ServerRequestPurpose.Activate, "activate", cancellationToken);

    public async Task<ActivationChangeResponse> ActivateAutomaticAsync(CompanyInformation? given, CancellationToken cancellationToken)
    {
        var properties = await ServerProperties.ReadAsync(store, cancellationToken);
        var (company, error) = CompanyValidation.Check(given ?? properties.Company);
        if (error is not null) throw Refusal.Invalid(error.Field, error.Message);
        RequireTrustedClearinghouse();

        // What the administrator typed becomes the properties, as the wizard does, even if the clearinghouse then fails.
        await PropertiesService.SaveAsync(store, clock, properties with { ConnectionMethod = "automatic", Company = company! }, cancellationToken);
        var answer = await CallAsync(() => clearinghouse.ActivateAsync(new ActivationRequestBody(server.ProductId, "automatic", company), cancellationToken), cancellationToken);
        var activation = await InstallAsync(answer.LicenseServerId, cancellationToken);
        return new ActivationChangeResponse(View(), null,
            $"The license server is activated: License Server ID {activation.LicenseServerId}, valid until {activation.ExpiresAt:yyyy-MM-dd}.");
    }

    public async Task<ActivationChangeResponse> ReactivateAsync(ReactivationBody body, CancellationToken cancellationToken)
    {
        var reason = body.Reason?.Trim().ToLowerInvariant();
        if (reason is null || !Reasons.TryGetValue(reason, out var why))
            throw Refusal.Invalid("reason", $"reason must be one of {string.Join(", ", Reasons.Keys)}.");
        if (server.Activation is null)
            throw Refusal.Conflict("not-activated", "License server not activated", "The license server was never activated, so there is nothing to reactivate: activate it with 'rdlic server activate'.");
        var method = await MethodAsync(body.Method, cancellationToken);
        var properties = await ServerProperties.ReadAsync(store, cancellationToken);
        var (first, last) = Names(body.FirstName, body.LastName, properties);

        if (method != "automatic")
        {
            if (KeyRotatingReasons.Contains(reason))
                throw Refusal.Unprocessable("reactivation-needs-new-key", "Reactivation replaces the key",
                    $"A reactivation because {why} gives the license server a new key, which a web or telephone request code cannot prove: " +
                    $"reactivate with the automatic method (rdlic server reactivate --reason {reason} --method automatic), or, if the current key cannot sign, " +
                    "prepare a new key (rdlic server new-key --out FILE) and give the file to the vendor's operator for the key-compromise procedure.", new Dictionary<string, object?> { ["field"] = "reason" });
            var instructions = await InstructionsAsync(method, body.CountryRegion, properties, ServerRequestPurpose.Reactivate, $"reactivate (reason: {why})", cancellationToken);
            return new ActivationChangeResponse(View(), instructions,
                $"Reactivate by {(method == "web" ? "web browser" : "telephone")}: {instructions.NextStep}");
        }
        RequireTrustedClearinghouse();
        var company = properties.Company with { FirstName = first, LastName = last };
        if (!RotatesKey(reason))
        {
            var answer = await CallAsync(() => clearinghouse.ActivateAsync(new ActivationRequestBody(server.ProductId, "automatic", company, reason), cancellationToken), cancellationToken);
            var activation = await InstallAsync(answer.LicenseServerId, cancellationToken);
            return new ActivationChangeResponse(View(), null,
                $"The license server is reactivated ({why}): License Server ID {activation.LicenseServerId}, valid until {activation.ExpiresAt:yyyy-MM-dd}. Issued CALs stay valid; the identity key is kept.");
        }

        var previous = server.Identity;
        LicenseServerIdentity next;
        ActivationResponse rotated;
        if (await pendingKeys.LoadAsync(cancellationToken) is { } pending)
        {
            // The vendor's key-compromise procedure: the operator recorded the key prepared here (rdlic server new-key), so the
            // request is signed by that key and carries no new key; the clearinghouse knows nothing else of it.
            next = pending.Identity;
            try
            {
                rotated = await CallAsync(() => clearinghouse.ActivateAsync(new ActivationRequestBody(server.ProductId, "automatic", company, reason), cancellationToken,
                    signedBy: pending.Identity), cancellationToken);
            }
            catch (RemoteCallException e) when (e.Is("proof-not-recognized"))
            {
                pending.Dispose();
                throw Refusal.Conflict("new-key-not-recorded", "New key not recorded at the clearinghouse",
                    $"The clearinghouse does not know the new identity key {pending.Fingerprint} prepared here on {pending.CreatedAt:yyyy-MM-dd} yet: give the file made by " +
                    "'rdlic server new-key' to the vendor's operator with a purchase identifier installed on this server (they record it with 'rdlic clearinghouse keys record'), " +
                    "then reactivate again. If this server's current key still works, discard the prepared key ('rdlic server new-key --discard') and reactivate: " +
                    "the current key then signs the rotation. Nothing was changed.");
            }
            catch
            {
                pending.Dispose();
                throw;
            }
        }
        else
        {
            // Key rotation: a new key, proven to the clearinghouse by its own signature, in a request the old key signs.
            next = previous.WithNewKey();
            var (nonce, signature) = KeyRotationProof.Create(next.Key, previous.ProductId, ServerRequestProof.Fingerprint(previous.PublicKey));
            var newKey = new NewKeyBody(Convert.ToBase64String(next.PublicKey), nonce, Convert.ToBase64String(signature));
            rotated = await CallAsync(() => clearinghouse.ActivateAsync(new ActivationRequestBody(server.ProductId, "automatic", company, reason, newKey), cancellationToken),
                cancellationToken);
        }
        await store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            var (stored, retired) = await ServerIdentityStore.RotateAsync(s, previous, next, reason, now);
            await PendingKeyService.ClearAsync(s);
            await s.AddEventAsync(now, LicensingEventId.IdentityKeyRotated,
                $"The identity key was replaced ({why}): key {ServerRequestProof.Fingerprint(previous.PublicKey)} is retired, key {ServerRequestProof.Fingerprint(next.PublicKey)} signs from now on. " +
                "CALs signed by the retired key are signed again when their devices next connect.");
            server.SetIdentity(next, stored, retired);
        }, cancellationToken);
        var installed = await InstallAsync(rotated.LicenseServerId, cancellationToken);
        return new ActivationChangeResponse(View(), null,
            $"The license server is reactivated ({why}): its identity key was replaced (the old key is retired at the clearinghouse and signs nothing more); " +
            $"License Server ID {installed.LicenseServerId}, valid until {installed.ExpiresAt:yyyy-MM-dd}. Issued CALs stay valid and are signed again at their next connection.");
    }

    public async Task<ActivationChangeResponse> DeactivateAsync(DeactivationBody body, CancellationToken cancellationToken)
    {
        if (server.Activation is not { } current || server.IsDeactivated)
            throw Refusal.Conflict("not-activated", "License server not activated",
                server.IsDeactivated ? "The license server is already deactivated." : "The license server is not activated: there is nothing to deactivate.");
        if (!string.IsNullOrWhiteSpace(body.ConfirmationCode))
        {
            // The clearinghouse's answer to this server's deactivation request: only then does the server deactivate.
            await requestCodes.ConfirmDeactivationAsync(body.ConfirmationCode, cancellationToken);
            return new ActivationChangeResponse(View(), null,
                $"The license server is deactivated, as the clearinghouse confirmed: {ActivationLicensingPolicy.Deactivated}.");
        }
        var method = await MethodAsync(body.Method, cancellationToken);
        var properties = await ServerProperties.ReadAsync(store, cancellationToken);
        var (first, last) = Names(body.FirstName, body.LastName, properties);

        if (method == "automatic")
        {
            await CallAsync(() => clearinghouse.DeactivateAsync(new DeactivationRequestBody(server.ProductId, current.LicenseServerId, first, last), cancellationToken), cancellationToken);
            await installer.DeactivateAsync("automatic: the clearinghouse was told", cancellationToken);
            return new ActivationChangeResponse(View(), null,
                $"The license server is deactivated and the clearinghouse was told: {ActivationLicensingPolicy.Deactivated}.");
        }
        var instructions = await InstructionsAsync(method, body.CountryRegion, properties, ServerRequestPurpose.Deactivate,
            $"deactivate License Server ID {current.LicenseServerId}", cancellationToken);
        var where = instructions.PageUrl ?? $"{instructions.TelephoneNumber} ({instructions.CountryRegion})";
        return new ActivationChangeResponse(View(), instructions,
            $"Nothing changed yet: this license server stays activated until you give it the clearinghouse's confirmation code. Give the request code {instructions.RequestCode} " +
            $"to the clearinghouse ({where}), then: rdlic server deactivate --confirmation-code <confirmation code>");
    }

    public ActivationView View()
    {
        var now = clock.GetUtcNow();
        var current = server.CurrentActivation; // one read: another node may change it meanwhile
        var a = current.Certificate;
        return new ActivationView(current.StatusAt(now), a?.LicenseServerId, a?.IssuedAt, a?.ExpiresAt);
    }

    /// <summary>Reasons whose reactivation gives the server a new key: not by request code (see the clearinghouse's ActivationService.KeyRotatingReasons).</summary>
    public static IReadOnlySet<string> KeyRotatingReasons { get; } = new HashSet<string>(StringComparer.Ordinal) { "certificate-corrupt", "key-compromised" };

    /// <summary>Web and telephone: a new request code for <paramref name="purpose"/> and where to take it; automatic: the command to run.</summary>
    private async Task<ActivationInstructionsView> InstructionsAsync(string method, string? country, ServerProperties properties, ServerRequestPurpose purpose,
        string what, CancellationToken cancellationToken)
    {
        var productId = server.ProductId;
        if (method is not ("web" or "telephone"))
            return new ActivationInstructionsView(productId, method, clearinghouse.PageUrl(""), null, null,
                "rdlic server activate --method automatic --first-name … --last-name … --company … --country … (this server asks the clearinghouse itself)");
        var (page, countryRegion, number) = requestCodes.Where(method, purpose, country, properties);
        var code = await requestCodes.CreateAsync(purpose, cancellationToken);
        var finish = RequestCodeService.Finish(purpose);
        var valid = $"it is good once, until {RequestCodeService.ValidUntil(clock.GetUtcNow()):yyyy-MM-dd}";
        return new ActivationInstructionsView(productId, method, page, countryRegion, number, method == "web"
                ? $"Open {page} on any computer with a browser, choose to {what} and give the request code ({valid}). {finish}"
                : $"Call {number} ({countryRegion}), ask the operator to {what} and read the request code ({valid}). {finish}",
            code);
    }

    private async Task<string> MethodAsync(string? method, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(method)) return (await ServerProperties.ReadAsync(store, cancellationToken)).ConnectionMethod;
        return ServerProperties.ParseMethod(method) ?? throw Refusal.Invalid("method",
            $"'{method.Trim()}' is not a connection method: use {string.Join(", ", ServerProperties.Methods)}.");
    }

    private static (string First, string Last) Names(string? firstName, string? lastName, ServerProperties properties)
    {
        var first = CompanyValidation.Clean(firstName) ?? properties.Company.FirstName;
        var last = CompanyValidation.Clean(lastName) ?? properties.Company.LastName;
        if (CompanyValidation.CheckNames(first, last) is { } error) throw Refusal.Invalid(error.Field, error.Message);
        return (first!, last!);
    }

    private void RequireTrustedClearinghouse()
    {
        if (server.Clearinghouse is null)
            throw Refusal.Conflict("no-clearinghouse-trusted", "No clearinghouse trusted",
                "This license server trusts no clearinghouse, so it could not verify a License Server ID. Start it with the clearinghouse certificate (--clearinghouse-cert FILE).");
    }

    private async Task<ActivationCertificate> InstallAsync(string licenseServerId, CancellationToken cancellationToken)
    {
        var result = await installer.InstallAsync(licenseServerId, cancellationToken);
        return result.Activation ?? throw Refusal.Unprocessable("activation-rejected", "Activation rejected",
            $"The clearinghouse answered with a License Server ID this server does not accept: {result.Message}");
    }

    /// <summary>Failures to reach the clearinghouse are logged as events, so the event log explains a failed activation.</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (RemoteCallException e) when (e.Failure != RemoteFailure.Refused)
        {
            await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.ClearinghouseUnavailable, e.Message), cancellationToken);
            throw;
        }
    }
}
