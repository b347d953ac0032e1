using Dapper;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

/// <summary>
/// The operations of one clearinghouse write transaction. Single use of a code and entitlement draws are
/// guarded UPDATEs whose row count says whether this transaction got it, so two servers racing for the
/// same code cannot both succeed.
/// </summary>
public sealed partial class ClearinghouseWriteSession
{
    private readonly WriteTransaction _tx;

    internal ClearinghouseWriteSession(WriteTransaction tx) => _tx = tx;

    // A statement of a work item runs to its end once the item has started (CancellationToken.None, deliberately): the write
    // transaction is shared by concurrent callers (group commit), and a cancelled statement can take the whole transaction
    // with it (SQLite rolls back an interrupted INSERT/UPDATE/DELETE's entire transaction), failing the other callers' work.
    // A caller's token is honoured before its item starts (GroupCommit drops a cancelled item) and by every read.
    private CommandDefinition Cmd(string sql, object? args = null) => new(sql, args, _tx.Transaction, cancellationToken: CancellationToken.None);

    public Task<string?> SettingAsync(string name) =>
        _tx.Connection.ExecuteScalarAsync<string?>(Cmd("SELECT value FROM settings WHERE name = @name", new { name }));

    public Task SetSettingAsync(string name, string value) => _tx.Connection.ExecuteAsync(Cmd(
        "INSERT INTO settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO UPDATE SET value = excluded.value", new { name, value }));

    // Activations

    public async Task<uint> NextActivationSerialAsync() =>
        checked((uint)await _tx.Connection.ExecuteScalarAsync<long>(Cmd("SELECT COALESCE(MAX(serial), 0) + 1 FROM activations")));

    public async Task<ActivationRecord?> ActiveActivationAsync(string productId) =>
        (await _tx.Connection.QuerySingleOrDefaultAsync<ActivationRow>(Cmd(
            $"SELECT {ActivationRow.Columns} FROM activations WHERE product_id = @productId AND status = 'active'", new { productId })))?.ToDomain();

    /// <summary>The latest activation of the Product ID, whatever its status (reactivation keeps its company information).</summary>
    public async Task<ActivationRecord?> LatestActivationAsync(string productId) =>
        (await _tx.Connection.QueryFirstOrDefaultAsync<ActivationRow>(Cmd(
            $"SELECT {ActivationRow.Columns} FROM activations WHERE product_id = @productId ORDER BY id DESC LIMIT 1", new { productId })))?.ToDomain();

    /// <summary>The activation that issued this License Server ID (formatted XXXXX-XXXXX-…).</summary>
    public async Task<ActivationRecord?> ActivationByLicenseServerIdAsync(string licenseServerId) =>
        (await _tx.Connection.QueryFirstOrDefaultAsync<ActivationRow>(Cmd(
            $"SELECT {ActivationRow.Columns} FROM activations WHERE license_server_id = @licenseServerId ORDER BY id DESC LIMIT 1", new { licenseServerId })))?.ToDomain();

    public Task<int> SupersedeActivationsAsync(string productId) => _tx.Connection.ExecuteAsync(Cmd(
        "UPDATE activations SET status = 'superseded' WHERE product_id = @productId AND status = 'active'", new { productId }));

    public Task<int> DeactivateAsync(long id) => _tx.Connection.ExecuteAsync(Cmd(
        "UPDATE activations SET status = 'deactivated' WHERE id = @id AND status = 'active'", new { id }));

    public Task<long> InsertActivationAsync(ActivationRecord a)
    {
        var c = a.Company;
        return _tx.Connection.ExecuteScalarAsync<long>(Cmd(
            $"""
            INSERT INTO activations ({ActivationRow.Columns["id, ".Length..]})
            VALUES (@product_id, @license_server_id, @serial, @method, @status, @first_name, @last_name, @company, @country_region, @email,
                    @organizational_unit, @address, @city, @state_province, @postal_code, @reason, @activated_at, @expires_at)
            RETURNING id
            """,
            new
            {
                product_id = a.ProductId, license_server_id = a.LicenseServerId, serial = a.Serial, method = a.Method, status = a.Status,
                first_name = c.FirstName ?? "", last_name = c.LastName ?? "", company = c.Company, country_region = c.CountryRegion, email = c.Email,
                organizational_unit = c.OrganizationalUnit, address = c.Address, city = c.City, state_province = c.StateProvince,
                postal_code = c.PostalCode, reason = a.Reason, activated_at = Times.ToDb(a.ActivatedAt), expires_at = Times.ToDb(a.ExpiresAt),
            }));
    }

    // Retail codes and Open Licenses: used once.

    public Task InsertRetailCodeAsync(string code, ProductVersion version, CalType type, int quantity, DateTimeOffset now) => _tx.Connection.ExecuteAsync(Cmd(
        "INSERT INTO retail_codes (code, product_version, cal_type, quantity, created_at) VALUES (@code, @version, @type, @quantity, @now)",
        new { code, version = (int)version, type = (int)type, quantity, now = Times.ToDb(now) }));

    public async Task<RetailCodeRecord?> RetailCodeAsync(string code) =>
        (await _tx.Connection.QuerySingleOrDefaultAsync<RetailCodeRow>(Cmd($"SELECT {RetailCodeRow.Columns} FROM retail_codes WHERE code = @code", new { code })))?.ToDomain();

    /// <summary>True when this transaction used the code; false when it was already used.</summary>
    public async Task<bool> UseRetailCodeAsync(string code, string productId, DateTimeOffset now) =>
        await _tx.Connection.ExecuteAsync(Cmd(
            "UPDATE retail_codes SET used_by_product_id = @productId, used_at = @now WHERE code = @code AND used_by_product_id IS NULL",
            new { code, productId, now = Times.ToDb(now) })) == 1;

    public async Task<bool> OpenLicenseExistsAsync(string licenseNumber) =>
        await _tx.Connection.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(*) FROM open_licenses WHERE license_number = @licenseNumber", new { licenseNumber })) > 0;

    public Task InsertOpenLicenseAsync(string licenseNumber, string authorizationNumber, ProductVersion version, CalType type, int quantity, DateTimeOffset now) =>
        _tx.Connection.ExecuteAsync(Cmd(
            """
            INSERT INTO open_licenses (license_number, authorization_number, product_version, cal_type, quantity, created_at)
            VALUES (@licenseNumber, @authorizationNumber, @version, @type, @quantity, @now)
            """,
            new { licenseNumber, authorizationNumber, version = (int)version, type = (int)type, quantity, now = Times.ToDb(now) }));

    public async Task<OpenLicenseRecord?> OpenLicenseAsync(string licenseNumber) =>
        (await _tx.Connection.QuerySingleOrDefaultAsync<OpenLicenseRow>(Cmd(
            $"SELECT {OpenLicenseRow.Columns} FROM open_licenses WHERE license_number = @licenseNumber", new { licenseNumber })))?.ToDomain();

    public async Task<bool> UseOpenLicenseAsync(string licenseNumber, string productId, DateTimeOffset now) =>
        await _tx.Connection.ExecuteAsync(Cmd(
            "UPDATE open_licenses SET used_by_product_id = @productId, used_at = @now WHERE license_number = @licenseNumber AND used_by_product_id IS NULL",
            new { licenseNumber, productId, now = Times.ToDb(now) })) == 1;

    // Agreements and their entitlements.

    public async Task<bool> AgreementExistsAsync(string number) =>
        await _tx.Connection.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(*) FROM agreements WHERE number = @number", new { number })) > 0;

    public async Task<long> InsertAgreementAsync(LicenseProgram program, string number, IEnumerable<EntitlementRecord> entitlements, DateTimeOffset now)
    {
        var id = await _tx.Connection.ExecuteScalarAsync<long>(Cmd(
            "INSERT INTO agreements (program, number, created_at) VALUES (@program, @number, @now) RETURNING id",
            new { program = program.ToShortName(), number, now = Times.ToDb(now) }));
        foreach (var e in entitlements)
            await _tx.Connection.ExecuteAsync(Cmd(
                "INSERT INTO entitlements (agreement_id, product_version, cal_type, quantity, drawn) VALUES (@id, @version, @type, @quantity, 0)",
                new { id, version = (int)e.Version, type = (int)e.Type, quantity = e.Quantity }));
        return id;
    }

    public async Task<AgreementRecord?> AgreementAsync(string number)
    {
        var agreement = await _tx.Connection.QuerySingleOrDefaultAsync<AgreementRow>(Cmd(
            "SELECT id, program, number, created_at FROM agreements WHERE number = @number", new { number }));
        if (agreement is null) return null;
        var entitlements = await _tx.Connection.QueryAsync<EntitlementRow>(Cmd(
            $"SELECT {EntitlementRow.Columns} FROM entitlements WHERE agreement_id = @id", new { id = agreement.id }));
        return EntitlementRow.Combine(agreement, entitlements);
    }

    /// <summary>Draws the quantity from the entitlement; false (nothing drawn) when less than that remains.</summary>
    public async Task<bool> DrawEntitlementAsync(long agreementId, ProductVersion version, CalType type, int quantity) =>
        await _tx.Connection.ExecuteAsync(Cmd(
            """
            UPDATE entitlements SET drawn = drawn + @quantity
            WHERE agreement_id = @agreementId AND product_version = @version AND cal_type = @type AND drawn + @quantity <= quantity
            """,
            new { agreementId, version = (int)version, type = (int)type, quantity })) == 1;

    // Installs: the key packs granted to license servers.

    public Task InsertInstallAsync(InstallRecord install) => _tx.Connection.ExecuteAsync(Cmd(
        $"""
        INSERT INTO installs ({InstallRow.Columns})
        VALUES (@key_pack_id, @product_id, @program, @identifier, @product_version, @cal_type, @quantity, @expires_at, @description, @status, @installed_at, @moved_to)
        """, InstallRow.Parameters(install)));

    public async Task<IReadOnlyList<InstallRecord>> ActiveInstallsAsync(string productId) =>
        (await _tx.Connection.QueryAsync<InstallRow>(Cmd(
            $"SELECT {InstallRow.Columns} FROM installs WHERE product_id = @productId AND status = 'active' ORDER BY installed_at, key_pack_id", new { productId })))
        .Select(r => r.ToDomain()).ToList();

    /// <summary>Marks an active install moved to its replacement; false when it was no longer active.</summary>
    public async Task<bool> MarkInstallMovedAsync(Guid keyPackId, Guid movedTo) =>
        await _tx.Connection.ExecuteAsync(Cmd(
            "UPDATE installs SET status = 'moved', moved_to = @movedTo WHERE key_pack_id = @id AND status = 'active'",
            new { id = keyPackId.ToString("D"), movedTo = movedTo.ToString("D") })) == 1;

    // Convert Licenses.

    public async Task<InstallRecord?> InstallAsync(Guid keyPackId) =>
        (await _tx.Connection.QuerySingleOrDefaultAsync<InstallRow>(Cmd(
            $"SELECT {InstallRow.Columns} FROM installs WHERE key_pack_id = @id", new { id = keyPackId.ToString("D") })))?.ToDomain();

    /// <summary>
    /// Takes <paramref name="quantity"/> licenses out of an active install that still holds <paramref name="before"/>: its quantity
    /// is reduced, or — when all of them go — it becomes 'converted' pointing at <paramref name="convertedTo"/>. False when the
    /// install changed since it was read (another conversion or a migration won), so nothing is taken twice.
    /// </summary>
    public async Task<bool> TakeFromInstallAsync(Guid keyPackId, int before, int quantity, Guid convertedTo) =>
        await _tx.Connection.ExecuteAsync(Cmd(quantity == before
                ? "UPDATE installs SET status = 'converted', moved_to = @convertedTo WHERE key_pack_id = @id AND status = 'active' AND quantity = @before"
                : "UPDATE installs SET quantity = quantity - @quantity WHERE key_pack_id = @id AND status = 'active' AND quantity = @before AND quantity > @quantity",
            new { id = keyPackId.ToString("D"), before, quantity, convertedTo = convertedTo.ToString("D") })) == 1;

    public Task InsertConversionAsync(ConversionRecord conversion) => _tx.Connection.ExecuteAsync(Cmd(
        $"INSERT INTO conversions ({ConversionRow.Columns}) VALUES (@source_key_pack_id, @converted_key_pack_id, @product_id, @product_version, " +
        "@from_cal_type, @to_cal_type, @quantity, @source_quantity_before, @converted_at)", ConversionRow.Parameters(conversion)));
}
