using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

// Dapper maps the clearinghouse's columns onto these by name; the service never sees database types.

internal sealed class ActivationRow
{
    public const string Columns = "id, product_id, license_server_id, serial, method, status, first_name, last_name, company, country_region, email, " +
                                  "organizational_unit, address, city, state_province, postal_code, reason, activated_at, expires_at";

    public long id { get; set; }
    public string product_id { get; set; } = "";
    public string license_server_id { get; set; } = "";
    public long serial { get; set; }
    public string method { get; set; } = "";
    public string status { get; set; } = "";
    public string first_name { get; set; } = "";
    public string last_name { get; set; } = "";
    public string? company { get; set; }
    public string? country_region { get; set; }
    public string? email { get; set; }
    public string? organizational_unit { get; set; }
    public string? address { get; set; }
    public string? city { get; set; }
    public string? state_province { get; set; }
    public string? postal_code { get; set; }
    public string? reason { get; set; }
    public long activated_at { get; set; }
    public long expires_at { get; set; }

    public ActivationRecord ToDomain() => new(id, product_id, license_server_id, serial, method, status,
        new CompanyInformation(first_name, last_name, company, country_region, email, organizational_unit, address, city, state_province, postal_code),
        reason, Times.FromDb(activated_at), Times.FromDb(expires_at));
}

internal sealed class RetailCodeRow
{
    public const string Columns = "code, product_version, cal_type, quantity, created_at, used_by_product_id, used_at";

    public string code { get; set; } = "";
    public long product_version { get; set; }
    public long cal_type { get; set; }
    public long quantity { get; set; }
    public long created_at { get; set; }
    public string? used_by_product_id { get; set; }
    public long? used_at { get; set; }

    public RetailCodeRecord ToDomain() => new(code, (ProductVersion)product_version, (CalType)cal_type, (int)quantity,
        Times.FromDb(created_at), used_by_product_id, Times.FromDb(used_at));
}

internal sealed class OpenLicenseRow
{
    public const string Columns = "license_number, authorization_number, product_version, cal_type, quantity, created_at, used_by_product_id, used_at";

    public string license_number { get; set; } = "";
    public string authorization_number { get; set; } = "";
    public long product_version { get; set; }
    public long cal_type { get; set; }
    public long quantity { get; set; }
    public long created_at { get; set; }
    public string? used_by_product_id { get; set; }
    public long? used_at { get; set; }

    public OpenLicenseRecord ToDomain() => new(license_number, authorization_number, (ProductVersion)product_version, (CalType)cal_type,
        (int)quantity, Times.FromDb(created_at), used_by_product_id, Times.FromDb(used_at));
}

internal sealed class AgreementRow
{
    public long id { get; set; }
    public string program { get; set; } = "";
    public string number { get; set; } = "";
    public long created_at { get; set; }
}

internal sealed class EntitlementRow
{
    public const string Columns = "agreement_id, product_version, cal_type, quantity, drawn";

    public long agreement_id { get; set; }
    public long product_version { get; set; }
    public long cal_type { get; set; }
    public long quantity { get; set; }
    public long drawn { get; set; }

    public EntitlementRecord ToDomain() => new((ProductVersion)product_version, (CalType)cal_type, (int)quantity, (int)drawn);

    public static AgreementRecord Combine(AgreementRow agreement, IEnumerable<EntitlementRow> entitlements)
    {
        LicensePrograms.TryParse(agreement.program, out var program);
        return new AgreementRecord(agreement.id, program, agreement.number, Times.FromDb(agreement.created_at),
            entitlements.Where(e => e.agreement_id == agreement.id).OrderBy(e => e.product_version).ThenBy(e => e.cal_type).Select(e => e.ToDomain()).ToList());
    }
}

internal sealed class InstallRow
{
    public const string Columns = "key_pack_id, product_id, program, identifier, product_version, cal_type, quantity, expires_at, description, status, installed_at, moved_to";

    public string key_pack_id { get; set; } = "";
    public string product_id { get; set; } = "";
    public string program { get; set; } = "";
    public string identifier { get; set; } = "";
    public long product_version { get; set; }
    public long cal_type { get; set; }
    public long quantity { get; set; }
    public long? expires_at { get; set; }
    public string description { get; set; } = "";
    public string status { get; set; } = "";
    public long installed_at { get; set; }
    public string? moved_to { get; set; }

    public InstallRecord ToDomain()
    {
        LicensePrograms.TryParse(program, out var p);
        return new InstallRecord(Guid.Parse(key_pack_id), product_id, p, identifier, (ProductVersion)product_version, (CalType)cal_type,
            (int)quantity, Times.FromDb(expires_at), description, status, Times.FromDb(installed_at), moved_to is null ? null : Guid.Parse(moved_to));
    }

    public static object Parameters(InstallRecord r) => new
    {
        key_pack_id = r.KeyPackId.ToString("D"), product_id = r.ProductId, program = r.Program.ToShortName(), identifier = r.Identifier,
        product_version = (int)r.Version, cal_type = (int)r.Type, quantity = r.Quantity, expires_at = Times.ToDb(r.ExpiresAt),
        description = r.Description, status = r.Status, installed_at = Times.ToDb(r.InstalledAt), moved_to = r.MovedTo?.ToString("D"),
    };
}

internal sealed class ConversionRow
{
    public const string Columns = "source_key_pack_id, converted_key_pack_id, product_id, product_version, from_cal_type, to_cal_type, quantity, source_quantity_before, converted_at";

    public string source_key_pack_id { get; set; } = "";
    public string converted_key_pack_id { get; set; } = "";
    public string product_id { get; set; } = "";
    public long product_version { get; set; }
    public long from_cal_type { get; set; }
    public long to_cal_type { get; set; }
    public long quantity { get; set; }
    public long source_quantity_before { get; set; }
    public long converted_at { get; set; }

    public ConversionRecord ToDomain() => new(Guid.Parse(source_key_pack_id), Guid.Parse(converted_key_pack_id), product_id, (ProductVersion)product_version,
        (CalType)from_cal_type, (CalType)to_cal_type, (int)quantity, (int)source_quantity_before, Times.FromDb(converted_at));

    public static object Parameters(ConversionRecord r) => new
    {
        source_key_pack_id = r.SourceKeyPackId.ToString("D"), converted_key_pack_id = r.ConvertedKeyPackId.ToString("D"), product_id = r.ProductId,
        product_version = (int)r.Version, from_cal_type = (int)r.FromType, to_cal_type = (int)r.ToType, quantity = r.Quantity,
        source_quantity_before = r.SourceQuantityBefore, converted_at = Times.ToDb(r.ConvertedAt),
    };
}

internal sealed class ServerKeyRow
{
    public const string Columns = "id, product_id, public_key, fingerprint, installation_id, recorded_at, retired_at, retired_reason";

    public long id { get; set; }
    public string product_id { get; set; } = "";
    public byte[] public_key { get; set; } = [];
    public string fingerprint { get; set; } = "";
    public string? installation_id { get; set; }
    public long recorded_at { get; set; }
    public long? retired_at { get; set; }
    public string? retired_reason { get; set; }

    public ServerKeyRecord ToDomain() => new(id, product_id, public_key, fingerprint, installation_id, Times.FromDb(recorded_at),
        retired_at is { } r ? Times.FromDb(r) : null, retired_reason);
}

internal sealed class MigrationRow
{
    public const string Columns = "source_key_pack_id, kind, source_product_id, target_product_id, quantity, recorded_at, new_key_pack_id, claimed_at, notified_at";

    public string source_key_pack_id { get; set; } = "";
    public string kind { get; set; } = "";
    public string source_product_id { get; set; } = "";
    public string target_product_id { get; set; } = "";
    public long quantity { get; set; }
    public long recorded_at { get; set; }
    public string? new_key_pack_id { get; set; }
    public long? claimed_at { get; set; }
    public long? notified_at { get; set; }

    public MigrationRecord ToDomain() => new(Guid.Parse(source_key_pack_id), kind, source_product_id, target_product_id, (int)quantity,
        Times.FromDb(recorded_at), new_key_pack_id is null ? null : Guid.Parse(new_key_pack_id), Times.FromDb(claimed_at), Times.FromDb(notified_at));
}
