using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Clearinghouse.Auth;
using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Protocol;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Apis;

/// <summary>The vendor's administration: what it sells (codes, Open Licenses, agreements) and what was activated and installed.</summary>
public static class VendorAdminApi
{
    public static RouteGroupBuilder MapVendorAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").WithTags("Vendor administration").RequireAuthorization(AdminTokenAuthenticationHandler.AdminRole);
        api.MapPost("/codes", IssueCodes).WithSummary("Create retail license codes, each for one version, CAL type and quantity, usable once.");
        api.MapGet("/codes", ListCodes).WithSummary("Every retail license code and who used it.");
        api.MapPost("/open-licenses", AddOpenLicense).WithSummary("Create an Open License (numbers generated when left out).");
        api.MapGet("/open-licenses", ListOpenLicenses);
        api.MapPost("/agreements", AddAgreement).WithSummary("Create a volume agreement (7-digit number generated when left out) with its entitlements.");
        api.MapGet("/agreements", ListAgreements).WithSummary("Agreements with each entitlement's quantity, drawn and remaining.");
        api.MapGet("/activations", ListActivations).WithSummary("Activations, newest first.");
        api.MapGet("/installs", ListInstalls).WithSummary("Key packs granted, newest first.");
        api.MapPost("/servers/{productId}/keys", RecordServerKey)
            .WithSummary("The 'private key compromised' path with the vendor's operator: records a new key for a license server, proven by the new key and a purchase identifier installed there.");
        api.MapGet("/servers/{productId}/keys", ListServerKeys)
            .WithSummary("Every identity key recorded for a license server, newest first: fingerprint, installation, when recorded and retired, and why.");
        api.MapGet("/conversions", ListConversions).WithSummary("Convert Licenses recorded, newest first.");
        api.MapGet("/migrations", ListMigrations).WithSummary("Key packs moved between license servers (released by a running source, or proven for a dead one), newest first.");
        api.MapGet("/security-events", ListSecurityEvents)
            .WithSummary("Security events in one list, newest first: refused attempts to act for a license server without its proof, and client addresses and " +
                         "Product IDs locked out after too many unrecognized identifiers; ?productId= keeps those naming one license server.");
        return api;
    }

    public static async Task<Results<Created<List<RetailCodeView>>, ProblemHttpResult>> IssueCodes(
        RetailCodesRequest body, VendorCatalog catalog, CancellationToken cancellationToken)
    {
        try { return TypedResults.Created("/api/admin/codes", (await catalog.IssueRetailCodesAsync(body, cancellationToken)).Select(c => c.ToView()).ToList()); }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }

    public static async Task<Ok<List<RetailCodeView>>> ListCodes(ClearinghouseStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.RetailCodesAsync(cancellationToken)).Select(c => c.ToView()).ToList());

    public static async Task<Results<Created<OpenLicenseView>, ProblemHttpResult>> AddOpenLicense(
        OpenLicenseRequest body, VendorCatalog catalog, CancellationToken cancellationToken)
    {
        try { return TypedResults.Created("/api/admin/open-licenses", (await catalog.AddOpenLicenseAsync(body, cancellationToken)).ToView()); }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }

    public static async Task<Ok<List<OpenLicenseView>>> ListOpenLicenses(ClearinghouseStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.OpenLicensesAsync(cancellationToken)).Select(o => o.ToView()).ToList());

    public static async Task<Results<Created<AgreementView>, ProblemHttpResult>> AddAgreement(
        AgreementRequest body, VendorCatalog catalog, CancellationToken cancellationToken)
    {
        try
        {
            var agreement = await catalog.AddAgreementAsync(body, cancellationToken);
            return TypedResults.Created($"/api/admin/agreements/{agreement.Number}", agreement.ToView());
        }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }

    public static async Task<Ok<List<AgreementView>>> ListAgreements(ClearinghouseStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.AgreementsAsync(cancellationToken)).Select(a => a.ToView()).ToList());

    public static async Task<Ok<List<ActivationRecordView>>> ListActivations(ClearinghouseStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ActivationsAsync(cancellationToken: cancellationToken)).Select(a => a.ToView()).ToList());

    public static async Task<Ok<List<InstallRecordView>>> ListInstalls(ClearinghouseStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.InstallsAsync(cancellationToken: cancellationToken)).Select(i => i.ToView()).ToList());

    public static async Task<Ok<List<ConversionRecordView>>> ListConversions(ClearinghouseStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ConversionsAsync(cancellationToken: cancellationToken)).Select(c => c.ToView()).ToList());

    public static async Task<Ok<List<MigrationRecordView>>> ListMigrations(ClearinghouseStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.MigrationsAsync(cancellationToken: cancellationToken))
            .Select(m => new MigrationRecordView(m.SourceKeyPackId, m.Kind, m.SourceProductId, m.TargetProductId, m.Quantity, m.RecordedAt, m.NewKeyPackId,
                m.ClaimedAt, m.NotifiedAt)).ToList());

    public static async Task<Results<Ok<ServerKeyView>, ProblemHttpResult>> RecordServerKey(string productId, VendorKeyBody body, VendorKeyRecording keys,
        CancellationToken cancellationToken)
    {
        try { return TypedResults.Ok(await keys.RecordAsync(productId, body, cancellationToken)); }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }

    public static async Task<Results<Ok<List<ServerKeyRecordView>>, ProblemHttpResult>> ListServerKeys(string productId, ClearinghouseStore store,
        CancellationToken cancellationToken)
    {
        try
        {
            var id = RequestFields.ProductId(productId);
            var keys = await store.ServerKeysAsync(id, cancellationToken);
            if (keys.Count == 0)
                throw ClearinghouseRefusal.NotFound("server-not-known", $"The clearinghouse holds no key for license server {id}: it has never made a signed request.");
            return TypedResults.Ok(keys.Select(k => new ServerKeyRecordView(k.ProductId, k.Fingerprint, k.InstallationId, k.RecordedAt, k.RetiredAt, k.RetiredReason)).ToList());
        }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }

    public static async Task<Results<Ok<List<SecurityEventView>>, ProblemHttpResult>> ListSecurityEvents(string? productId, ClearinghouseStore store,
        CancellationToken cancellationToken)
    {
        try
        {
            var named = string.IsNullOrWhiteSpace(productId) ? null : RequestFields.ProductId(productId);
            return TypedResults.Ok((await store.SecurityEventsAsync(named, cancellationToken: cancellationToken))
                .Select(e => new SecurityEventView(e.Id, e.OccurredAt, e.Kind, e.ClientAddress, e.ProductId, e.Route, e.Detail, e.InstallationId)).ToList());
        }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }
}
