using Dapper;

namespace RdLicensing.Storage;

/// <summary>
/// The clearinghouse's database (its own migrations, sqlite/clearinghouse/). Reads run on their own
/// connections; every change goes through <see cref="WriteAsync{T}"/> as one transaction, which rolls back
/// when the work throws — so a refused request leaves nothing consumed.
/// </summary>
public sealed partial class ClearinghouseStore(IStoreDialect dialect) : SqlStore<ClearinghouseWriteSession>(dialect, tx => new ClearinghouseWriteSession(tx))
{
    public const string SigningKeySetting = "signing_key_pem";
    public const string CertificateSetting = "certificate_pem";
    public const string AdminTokenHashSetting = "admin_token_hash";

    public Task<IReadOnlyList<ActivationRecord>> ActivationsAsync(int limit = 1000, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<ActivationRecord>>(async c =>
            (await c.QueryAsync<ActivationRow>(new CommandDefinition($"SELECT {ActivationRow.Columns} FROM activations ORDER BY id DESC LIMIT @limit", new { limit }, cancellationToken: cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);

    public Task<IReadOnlyList<InstallRecord>> InstallsAsync(int limit = 1000, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<InstallRecord>>(async c =>
            (await c.QueryAsync<InstallRow>(new CommandDefinition($"SELECT {InstallRow.Columns} FROM installs ORDER BY installed_at DESC, key_pack_id LIMIT @limit", new { limit }, cancellationToken: cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);

    public Task<IReadOnlyList<ConversionRecord>> ConversionsAsync(int limit = 1000, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<ConversionRecord>>(async c =>
            (await c.QueryAsync<ConversionRow>(new CommandDefinition($"SELECT {ConversionRow.Columns} FROM conversions ORDER BY id DESC LIMIT @limit", new { limit }, cancellationToken: cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);

    public Task<IReadOnlyList<MigrationRecord>> MigrationsAsync(int limit = 1000, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<MigrationRecord>>(async c =>
            (await c.QueryAsync<MigrationRow>(new CommandDefinition($"SELECT {MigrationRow.Columns} FROM migrations ORDER BY recorded_at DESC, source_key_pack_id LIMIT @limit", new { limit }, cancellationToken: cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);

    public Task<IReadOnlyList<RetailCodeRecord>> RetailCodesAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<RetailCodeRecord>>(async c =>
            (await c.QueryAsync<RetailCodeRow>(new CommandDefinition($"SELECT {RetailCodeRow.Columns} FROM retail_codes ORDER BY created_at, code", cancellationToken: cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);

    public Task<RetailCodeRecord?> RetailCodeAsync(string code, CancellationToken cancellationToken = default) =>
        ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<RetailCodeRow>(new CommandDefinition(
            $"SELECT {RetailCodeRow.Columns} FROM retail_codes WHERE code = @code", new { code }, cancellationToken: cancellationToken)))?.ToDomain(), cancellationToken);

    public Task<IReadOnlyList<OpenLicenseRecord>> OpenLicensesAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<OpenLicenseRecord>>(async c =>
            (await c.QueryAsync<OpenLicenseRow>(new CommandDefinition($"SELECT {OpenLicenseRow.Columns} FROM open_licenses ORDER BY created_at, license_number", cancellationToken: cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);

    public Task<IReadOnlyList<AgreementRecord>> AgreementsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<AgreementRecord>>(async c =>
        {
            var agreements = await c.QueryAsync<AgreementRow>(new CommandDefinition("SELECT id, program, number, created_at FROM agreements ORDER BY created_at, number", cancellationToken: cancellationToken));
            var entitlements = (await c.QueryAsync<EntitlementRow>(new CommandDefinition($"SELECT {EntitlementRow.Columns} FROM entitlements", cancellationToken: cancellationToken))).ToList();
            return agreements.Select(a => EntitlementRow.Combine(a, entitlements)).ToList();
        }, cancellationToken);

    public Task<AgreementRecord?> AgreementAsync(string number, CancellationToken cancellationToken = default) =>
        ReadAsync(async c =>
        {
            var agreement = await c.QuerySingleOrDefaultAsync<AgreementRow>(new CommandDefinition("SELECT id, program, number, created_at FROM agreements WHERE number = @number", new { number }, cancellationToken: cancellationToken));
            if (agreement is null) return null;
            var entitlements = await c.QueryAsync<EntitlementRow>(new CommandDefinition($"SELECT {EntitlementRow.Columns} FROM entitlements WHERE agreement_id = @id", new { id = agreement.id }, cancellationToken: cancellationToken));
            return EntitlementRow.Combine(agreement, entitlements);
        }, cancellationToken);
}
