using RdLicensing.Core.Activation;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Events;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Signing;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.LicenseServer.Remote;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Activation;

/// <summary>
/// The web and telephone methods' half of proof of possession on the license server: the request codes this server makes
/// and signs with its identity key for the administrator to carry to the clearinghouse's page or read to its operator, and
/// the deactivation confirmation codes it accepts back. A deactivation request is remembered until it is confirmed, so a
/// confirmation code is accepted only for a request this server made and still waits for (WMI's
/// <c>GetDeactivationRequest</c> … <c>DeactivateServer(sConfirmCode)</c>).
/// </summary>
public sealed class RequestCodeService(LicenseStore store, ServerState server, TimeProvider clock, ClearinghouseClient clearinghouse, ActivationInstaller installer)
{
    /// <summary>Wire names of the purposes, as the API and `rdlic` take them.</summary>
    public static IReadOnlyDictionary<string, ServerRequestPurpose> Purposes { get; } = new Dictionary<string, ServerRequestPurpose>(StringComparer.Ordinal)
    {
        ["activate"] = ServerRequestPurpose.Activate,
        ["reactivate"] = ServerRequestPurpose.Reactivate,
        ["install"] = ServerRequestPurpose.Install,
        ["deactivate"] = ServerRequestPurpose.Deactivate,
        ["reissue"] = ServerRequestPurpose.Reissue,
        ["migrate-in"] = ServerRequestPurpose.MigrateIn,
        ["migrate-out"] = ServerRequestPurpose.MigrateOut,
        ["convert"] = ServerRequestPurpose.Convert,
    };

    /// <summary>How many deactivation requests wait for their confirmation at most; older ones are forgotten.</summary>
    public const int MaxPendingDeactivations = 5;

    /// <summary>The clearinghouse refuses a request code this long after the day it was made (ServerKeyCheck.RequestCodeValidity).</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(7);

    public static string WireName(ServerRequestPurpose purpose) => Purposes.First(p => p.Value == purpose).Key;

    /// <summary>
    /// A new request code. It carries the server's public key while the server has never been activated, and for every
    /// activation or reactivation, so the clearinghouse can record the key (the Product ID derives from it; a key that does
    /// not is refused) even for a server activated before the clearinghouse recorded keys. A deactivation request is
    /// remembered until its confirmation comes back.
    /// </summary>
    public async Task<string> CreateAsync(ServerRequestPurpose purpose, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var includeKey = server.Activation is null || purpose is ServerRequestPurpose.Activate or ServerRequestPurpose.Reactivate;
        var code = ServerRequestCode.Create(server.Identity.Key, server.ProductId, purpose, server.Version, now, includeKey);
        if (purpose == ServerRequestPurpose.Deactivate)
        {
            var nonce = ServerRequestCode.Read(code).Nonce;
            await store.WriteAsync(async s =>
            {
                var pending = await PendingAsync(s);
                pending.Add(nonce);
                await s.SetSettingAsync(SettingNames.PendingDeactivationRequests, string.Join('\n', pending.TakeLast(MaxPendingDeactivations)));
            }, cancellationToken);
        }
        return code;
    }

    /// <summary>POST /api/admin/request-codes: the code and where to take it.</summary>
    public async Task<RequestCodeView> CreateViewAsync(RequestCodeBody body, CancellationToken cancellationToken)
    {
        var name = body.Purpose?.Trim().ToLowerInvariant();
        if (name is null || !Purposes.TryGetValue(name, out var purpose))
            throw Refusal.Invalid("purpose", $"purpose must be one of {string.Join(", ", Purposes.Keys)}.");
        var properties = await ServerProperties.ReadAsync(store, cancellationToken);
        var method = string.IsNullOrWhiteSpace(body.Method) ? properties.ConnectionMethod : ServerProperties.ParseMethod(body.Method);
        if (method is not ("web" or "telephone"))
            throw Refusal.Invalid("method", "A request code is for the web or telephone method (method: web or telephone); the automatic method signs its requests itself.");
        var (page, country, number) = Where(method, purpose, body.CountryRegion, properties);
        var code = await CreateAsync(purpose, cancellationToken);
        var where = page is not null ? $"Open {page}" : $"Call {number} ({country})";
        return new RequestCodeView(server.ProductId, name, code, method, page, country, number, ValidUntil(clock.GetUtcNow()),
            $"{where} and give this request code; it is good once, for {Validity.TotalDays:0} days. {Finish(purpose)}");
    }

    /// <summary>The last day (UTC) the clearinghouse takes a code made at <paramref name="now"/>.</summary>
    public static DateTimeOffset ValidUntil(DateTimeOffset now) => new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero) + Validity;

    /// <summary>What the administrator does with the clearinghouse's answer.</summary>
    public static string Finish(ServerRequestPurpose purpose) => purpose switch
    {
        ServerRequestPurpose.Activate or ServerRequestPurpose.Reactivate =>
            "Then type the License Server ID it gives: rdlic server activate --license-server-id <License Server ID>",
        ServerRequestPurpose.Install => "Then type the license key pack ID it gives: rdlic licenses install --key-pack-id <license key pack ID>",
        ServerRequestPurpose.Deactivate =>
            "Then type the confirmation code it gives: rdlic server deactivate --confirmation-code <confirmation code>. Until then this server stays activated.",
        ServerRequestPurpose.MigrateIn =>
            "Give it with the source's release code (rdlic licenses release --target-product-id <this Product ID> --method web on the source), or, for a source that no longer " +
            "functions, its License Server ID and the purchase identifiers. Then type each license key pack ID it gives: rdlic licenses install --key-pack-id <license key pack ID>",
        _ => "Then give this server what the clearinghouse answers.",
    };

    /// <summary>The clearinghouse page for the purpose (web) or the telephone number of the country (telephone).</summary>
    public (string? PageUrl, string? CountryRegion, string? TelephoneNumber) Where(string method, ServerRequestPurpose purpose, string? country, ServerProperties properties)
    {
        if (method == "web")
        {
            var page = clearinghouse.PageUrl(purpose switch
            {
                ServerRequestPurpose.Install => "install",
                ServerRequestPurpose.Deactivate => "deactivate",
                ServerRequestPurpose.MigrateIn or ServerRequestPurpose.MigrateOut => "migrate",
                _ => "activate",
            }) ?? throw Refusal.Conflict("clearinghouse-not-configured", "No clearinghouse address",
                "This server does not know the clearinghouse's web site (no clearinghouse address is configured). Use the telephone method, or start the server with the clearinghouse address (rdlic server run --clearinghouse-url URL).");
            return (page, null, null);
        }
        var chosen = CompanyValidation.Clean(country) ?? properties.CountryRegion ?? properties.Company.CountryRegion;
        var entry = TelephoneDirectory.Find(chosen) ?? throw Refusal.Invalid("countryRegion", (chosen is null
            ? "Choose the country or region you call from"
            : $"There is no clearinghouse telephone number for '{chosen}'") + $": one of {string.Join(", ", TelephoneDirectory.Entries.Select(e => e.CountryRegion))}.");
        return (null, entry.CountryRegion, entry.Number);
    }

    /// <summary>
    /// Checks a deactivation confirmation code: signed by the trusted clearinghouse for this Product ID, answering a
    /// deactivation request this server made and still waits for. Then the server deactivates. A refusal changes nothing
    /// (the server stays activated) and is recorded as event 5022.
    /// </summary>
    public async Task ConfirmDeactivationAsync(string? confirmationCode, CancellationToken cancellationToken)
    {
        if (server.Clearinghouse is not { } trusted)
            throw Refusal.Conflict("no-clearinghouse-trusted", "No clearinghouse trusted",
                "This license server trusts no clearinghouse, so it cannot verify a confirmation code. Start it with the clearinghouse certificate (--clearinghouse-cert FILE).");
        DeactivationConfirmation confirmation;
        try
        {
            confirmation = DeactivationConfirmationCode.Verify(confirmationCode, trusted, server.ProductId);
        }
        catch (CodeFormatException e)
        {
            throw Refusal.Mistyped("confirmationCode", e.Group, e.Message);
        }
        catch (SignedDocumentException e)
        {
            var message = $"The confirmation code was refused: {e.Message}. The license server stays activated.";
            await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.ActivationRejected, message), cancellationToken);
            throw Refusal.Unprocessable("confirmation-code-rejected", "Confirmation code not for this license server", message,
                new Dictionary<string, object?> { ["field"] = "confirmationCode" });
        }
        var taken = await store.WriteAsync(async s =>
        {
            var pending = await PendingAsync(s);
            if (!pending.Remove(confirmation.RequestNonce)) return false;
            await s.DeleteSettingAsync(SettingNames.PendingDeactivationRequests);
            return true;
        }, cancellationToken);
        if (!taken)
        {
            const string message = "The confirmation code answers no deactivation request this license server is waiting for (it was used already, or the server " +
                                   "was activated again since). The license server stays activated: create a new request code (rdlic server deactivate --method web) and take it to the clearinghouse.";
            await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.ActivationRejected, message), cancellationToken);
            throw Refusal.Unprocessable("confirmation-code-not-pending", "No deactivation request waiting", message,
                new Dictionary<string, object?> { ["field"] = "confirmationCode" });
        }
        await installer.DeactivateAsync($"confirmed by the clearinghouse on {confirmation.ConfirmedAt:yyyy-MM-dd}", cancellationToken);
    }

    private static async Task<List<string>> PendingAsync(LicenseWriteSession s) =>
        ((await s.SettingAsync(SettingNames.PendingDeactivationRequests)) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
}
