using RdLicensing.Core.Activation;
using RdLicensing.Core.Events;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.LicenseServer.Remote;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Activation;

/// <summary>
/// The Activate Server, Reactivate Server and Deactivate Server wizards. Automatic: this server asks the
/// clearinghouse and installs the License Server ID it returns. Web and telephone: the administrator gets the
/// Product ID and where to take it, and finishes with the License Server ID (<see cref="ActivationInstaller"/>).
/// </summary>
public sealed class ActivationService(
    LicenseStore store,
    ServerState server,
    TimeProvider clock,
    ActivationInstaller installer,
    ClearinghouseClient clearinghouse)
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
        Instructions(await MethodAsync(method, cancellationToken), country, await ServerProperties.ReadAsync(store, cancellationToken), "activate");

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
            var instructions = Instructions(method, body.CountryRegion, properties, $"reactivate (reason: {why})");
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

        // Key rotation: a new key, proven to the clearinghouse by its own signature, in a request the old key signs.
        var previous = server.Identity;
        var next = previous.WithNewKey();
        var (nonce, signature) = KeyRotationProof.Create(next.Key, previous.ProductId, ServerRequestProof.Fingerprint(previous.PublicKey));
        var newKey = new NewKeyBody(Convert.ToBase64String(next.PublicKey), nonce, Convert.ToBase64String(signature));
        var rotated = await CallAsync(() => clearinghouse.ActivateAsync(new ActivationRequestBody(server.ProductId, "automatic", company, reason, newKey), cancellationToken),
            cancellationToken);
        await store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            var (stored, retired) = await ServerIdentityStore.RotateAsync(s, previous, next, reason, now);
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
        var instructions = Instructions(method, body.CountryRegion, properties, $"deactivate License Server ID {current.LicenseServerId}");
        await installer.DeactivateAsync($"{method}: the administrator tells the clearinghouse", cancellationToken);
        var where = instructions.PageUrl ?? $"{instructions.TelephoneNumber} ({instructions.CountryRegion})";
        return new ActivationChangeResponse(View(), instructions with { NextStep = $"Tell the clearinghouse ({where}) that license server {server.ProductId} with License Server ID {current.LicenseServerId} is deactivated." },
            $"The license server is deactivated: {ActivationLicensingPolicy.Deactivated}. Tell the clearinghouse ({where}) that License Server ID {current.LicenseServerId} is deactivated.");
    }

    public ActivationView View()
    {
        var now = clock.GetUtcNow();
        var a = server.Activation;
        return new ActivationView(server.ActivationStatusAt(now), a?.LicenseServerId, a?.IssuedAt, a?.ExpiresAt);
    }

    private ActivationInstructionsView Instructions(string method, string? country, ServerProperties properties, string purpose)
    {
        var productId = server.ProductId;
        switch (method)
        {
            case "web":
                var page = clearinghouse.PageUrl("activate") ?? throw Refusal.Conflict("clearinghouse-not-configured", "No clearinghouse address",
                    "This server does not know the clearinghouse's web site (no clearinghouse address is configured). Use the telephone method, or start the server with the clearinghouse address (rdlic server run --clearinghouse-url URL).");
                return new ActivationInstructionsView(productId, method, page, null, null,
                    $"Open {page} on any computer with a browser, choose to {purpose} and give Product ID {productId}, then type the License Server ID it shows: {FinishCommand}");
            case "telephone":
                var chosen = CompanyValidation.Clean(country) ?? properties.CountryRegion ?? properties.Company.CountryRegion;
                var entry = TelephoneDirectory.Find(chosen) ?? throw Refusal.Invalid("countryRegion", (chosen is null
                    ? "Choose the country or region you call from"
                    : $"There is no clearinghouse telephone number for '{chosen}'") + $": one of {string.Join(", ", TelephoneDirectory.Entries.Select(e => e.CountryRegion))}.");
                return new ActivationInstructionsView(productId, method, null, entry.CountryRegion, entry.Number,
                    $"Call {entry.Number} ({entry.CountryRegion}), ask the operator to {purpose} and give Product ID {productId}, then type the License Server ID the operator reads out: {FinishCommand}");
            default:
                return new ActivationInstructionsView(productId, method, clearinghouse.PageUrl(""), null, null,
                    "rdlic server activate --method automatic --first-name … --last-name … --company … --country … (this server asks the clearinghouse itself)");
        }
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
