using System.Security.Cryptography;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>What the vendor sells, created by its administrator: retail license codes, Open Licenses, volume agreements.</summary>
public sealed class VendorCatalog(ClearinghouseStore store, TimeProvider clock)
{
    public const int MaxCodesAtOnce = 1000;

    public Task<IReadOnlyList<RetailCodeRecord>> IssueRetailCodesAsync(RetailCodesRequest request, CancellationToken cancellationToken)
    {
        var version = RequestFields.Version(request.Version, "version");
        var type = RequestFields.CalType(request.CalType, "calType");
        var quantity = RequestFields.Quantity(request.Quantity, "quantity");
        var count = request.Count ?? 1;
        if (count is < 1 or > MaxCodesAtOnce)
            throw ClearinghouseRefusal.Invalid("count", $"count is how many license codes to create: from 1 to {MaxCodesAtOnce}.");
        return store.WriteAsync<IReadOnlyList<RetailCodeRecord>>(async s =>
        {
            var now = clock.GetUtcNow();
            var codes = new List<RetailCodeRecord>();
            while (codes.Count < count)
            {
                var code = LicenseIdentifiers.NewRetailCode();
                if (await s.RetailCodeAsync(code) is not null) continue; // 115 random bits: a repeat is next to impossible, but free to rule out
                await s.InsertRetailCodeAsync(code, version, type, quantity, now);
                codes.Add(new RetailCodeRecord(code, version, type, quantity, now, null, null));
            }
            return codes;
        }, cancellationToken);
    }

    public Task<OpenLicenseRecord> AddOpenLicenseAsync(OpenLicenseRequest request, CancellationToken cancellationToken)
    {
        var number = request.LicenseNumber?.Trim();
        var authorization = request.AuthorizationNumber?.Trim().ToUpperInvariant();
        if (!string.IsNullOrEmpty(number) && !LicenseIdentifiers.IsOpenLicenseNumber(number))
            throw ClearinghouseRefusal.Invalid("licenseNumber", "An Open License number has 8 digits; leave it out to have one generated.");
        if (!string.IsNullOrEmpty(authorization) && !LicenseIdentifiers.IsAuthorizationNumber(authorization))
            throw ClearinghouseRefusal.Invalid("authorizationNumber", "An authorization number has 15 letters or digits; leave it out to have one generated.");
        var version = RequestFields.Version(request.Version, "version");
        var type = RequestFields.CalType(request.CalType, "calType");
        var quantity = RequestFields.Quantity(request.Quantity, "quantity");
        return store.WriteAsync(async s =>
        {
            if (string.IsNullOrEmpty(number))
            {
                do number = Digits(8); while (await s.OpenLicenseExistsAsync(number));
            }
            else if (await s.OpenLicenseExistsAsync(number))
            {
                throw ClearinghouseRefusal.Conflict("open-license-exists", "Open License exists",
                    $"Open License {number} already exists: choose another license number, or leave it out to have one generated.",
                    new Dictionary<string, object?> { ["field"] = "licenseNumber" });
            }
            authorization = string.IsNullOrEmpty(authorization) ? Letters(15) : authorization;
            var now = clock.GetUtcNow();
            await s.InsertOpenLicenseAsync(number, authorization, version, type, quantity, now);
            return new OpenLicenseRecord(number, authorization, version, type, quantity, now, null, null);
        }, cancellationToken);
    }

    public Task<AgreementRecord> AddAgreementAsync(AgreementRequest request, CancellationToken cancellationToken)
    {
        var program = RequestFields.Program(request.Program);
        if (!RequestFields.IsAgreementProgram(program))
            throw ClearinghouseRefusal.Invalid("program", "An agreement is of program select, enterprise, campus, school, spla or other; retail codes and Open Licenses have their own calls.");
        var number = request.Number?.Trim();
        if (!string.IsNullOrEmpty(number) && !LicenseIdentifiers.IsAgreementNumber(number))
            throw ClearinghouseRefusal.Invalid("number", "An agreement number has 7 digits; leave it out to have one generated.");
        if (request.Entitlements is not { Count: > 0 } given)
            throw ClearinghouseRefusal.Invalid("entitlements", "An agreement needs at least one entitlement: a version, CAL type and quantity.");
        var entitlements = new List<EntitlementRecord>();
        for (var i = 0; i < given.Count; i++)
        {
            var field = $"entitlements[{i}]";
            var e = given[i] ?? throw ClearinghouseRefusal.Invalid(field, "An entitlement is a version, CAL type and quantity.");
            var entitlement = new EntitlementRecord(RequestFields.Version(e.Version, field + ".version"), RequestFields.CalType(e.CalType, field + ".calType"),
                RequestFields.Quantity(e.Quantity, field + ".quantity"), 0);
            if (entitlements.Any(x => x.Version == entitlement.Version && x.Type == entitlement.Type))
                throw ClearinghouseRefusal.Invalid(field, "Each version and CAL type appears once in an agreement: add the quantities together.");
            entitlements.Add(entitlement);
        }
        return store.WriteAsync(async s =>
        {
            if (string.IsNullOrEmpty(number))
            {
                do number = RandomNumberGenerator.GetInt32(1_000_000, 10_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
                while (await s.AgreementExistsAsync(number));
            }
            else if (await s.AgreementExistsAsync(number))
            {
                throw ClearinghouseRefusal.Conflict("agreement-exists", "Agreement exists",
                    $"Agreement {number} already exists: choose another number, or leave it out to have one generated.",
                    new Dictionary<string, object?> { ["field"] = "number" });
            }
            var now = clock.GetUtcNow();
            var id = await s.InsertAgreementAsync(program, number, entitlements, now);
            return new AgreementRecord(id, program, number, now, entitlements);
        }, cancellationToken);
    }

    private static string Digits(int count) => new(Enumerable.Range(0, count).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))).ToArray());

    // Read aloud and typed by people: the same unambiguous alphabet as the grouped codes (no I, L, O, U).
    private static string Letters(int count) =>
        new(Enumerable.Range(0, count).Select(_ => GroupedCode.Alphabet[RandomNumberGenerator.GetInt32(GroupedCode.Alphabet.Length)]).ToArray());
}
