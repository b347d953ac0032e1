using Dapper;
using RdLicensing.Core.SessionHost;

namespace RdLicensing.Storage;

/// <summary>
/// The operations of one session host write transaction. The administrative connection limit is checked and
/// the session inserted in the same transaction, so two racing third connections cannot both get in.
/// </summary>
public sealed partial class SessionHostWriteSession
{
    private readonly WriteTransaction _tx;

    internal SessionHostWriteSession(WriteTransaction tx) => _tx = tx;

    /// <summary>
    /// A statement of this transaction. Its token is deliberately none: a caller cancelled before its turn is dropped by the
    /// group commit, but once its work runs, its statements run to the end (or its savepoint is rolled back as a whole) —
    /// never cut between two statements of a batch other callers share.
    /// </summary>
    private CommandDefinition Cmd(string sql, object? args = null) => new(sql, args, _tx.Transaction, cancellationToken: CancellationToken.None);

    public Task<string?> SettingAsync(string name) =>
        _tx.Connection.ExecuteScalarAsync<string?>(Cmd("SELECT value FROM settings WHERE name = @name", new { name }));

    public Task SetSettingAsync(string name, string value) => _tx.Connection.ExecuteAsync(Cmd(
        "INSERT INTO settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO UPDATE SET value = excluded.value", new { name, value }));

    public Task RemoveSettingAsync(string name) => _tx.Connection.ExecuteAsync(Cmd("DELETE FROM settings WHERE name = @name", new { name }));

    /// <summary>Sets a value only if it was never set (the grace period start, the store's creation): true when this call set it.</summary>
    public async Task<bool> SetSettingOnceAsync(string name, string value) =>
        await _tx.Connection.ExecuteAsync(Cmd("INSERT INTO settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING", new { name, value })) == 1;

    public Task AddEventAsync(DateTimeOffset at, PendingSessionHostEvent e) => _tx.Connection.ExecuteAsync(Cmd(
        "INSERT INTO events (at, event_id, level, message, device, user_name, license_server) VALUES (@at, @id, @level, @message, @device, @user, @server)",
        new
        {
            at = Times.ToDb(at), id = (int)e.EventId, level = (int)SessionHostEvents.LevelOf(e.EventId), message = e.Message,
            device = e.Device, user = e.User, server = e.LicenseServer,
        }));

    public async Task AddEventsAsync(DateTimeOffset at, IEnumerable<PendingSessionHostEvent> events)
    {
        foreach (var e in events) await AddEventAsync(at, e);
    }

    public Task SetTokenAsync(string url, string token, DateTimeOffset at) => _tx.Connection.ExecuteAsync(Cmd(
        "INSERT INTO license_server_tokens (url, token, enrolled_at) VALUES (@url, @token, @at) ON CONFLICT (url) DO UPDATE SET token = excluded.token, enrolled_at = excluded.enrolled_at",
        new { url, token, at = Times.ToDb(at) }));

    public async Task<bool> RemoveTokenAsync(string url) =>
        await _tx.Connection.ExecuteAsync(Cmd("DELETE FROM license_server_tokens WHERE url = @url", new { url })) == 1;

    public Task SetKeyAsync(LicenseServerKeyRecord key) => _tx.Connection.ExecuteAsync(Cmd(
        $"""
        INSERT INTO license_server_keys ({LicenseServerKeyRow.Columns}) VALUES (@productId, @url, @version, @key, @at)
        ON CONFLICT (product_id) DO UPDATE SET url = excluded.url, product_version = excluded.product_version, public_key = excluded.public_key, learned_at = excluded.learned_at
        """,
        new { productId = key.ProductId, url = key.Url, version = (int)key.Version, key = Convert.ToBase64String(key.PublicKey), at = Times.ToDb(key.LearnedAt) }));

    public Task InsertSessionAsync(HostSessionRecord s) => _tx.Connection.ExecuteAsync(Cmd(
        $"""
        INSERT INTO sessions ({HostSessionRow.Columns})
        VALUES (@id, @administrative, @clientName, @hardwareId, @userName, @outcome, @licenseServer, @calTemporary, @calValidated,
                @signedIn, @startedAt, @lastActivityAt, @endedAt, @endReason, @authenticatedUser)
        """,
        new
        {
            id = s.Id, administrative = s.Administrative ? 1 : 0, clientName = s.ClientName, hardwareId = s.HardwareId, userName = s.UserName,
            outcome = s.Outcome, licenseServer = s.LicenseServer, calTemporary = s.CalTemporary ? 1 : 0, calValidated = s.CalValidated ? 1 : 0,
            signedIn = s.SignedIn ? 1 : 0, startedAt = Times.ToDb(s.StartedAt), lastActivityAt = Times.ToDb(s.LastActivityAt),
            endedAt = Times.ToDb(s.EndedAt), endReason = s.EndReason, authenticatedUser = s.AuthenticatedUser,
        }));

    public async Task<HostSessionRecord?> SessionAsync(string id) =>
        (await _tx.Connection.QuerySingleOrDefaultAsync<HostSessionRow>(Cmd($"SELECT {HostSessionRow.Columns} FROM sessions WHERE id = @id", new { id })))?.ToDomain();

    public async Task<IReadOnlyList<HostSessionRecord>> OpenAdministrativeSessionsAsync() =>
        (await _tx.Connection.QueryAsync<HostSessionRow>(Cmd(
            $"SELECT {HostSessionRow.Columns} FROM sessions WHERE administrative = 1 AND ended_at IS NULL ORDER BY started_at, id")))
        .Select(r => r.ToDomain()).ToList();

    /// <summary>Activity on an open session; false when it is not open.</summary>
    public async Task<bool> TouchSessionAsync(string id, DateTimeOffset at) =>
        await _tx.Connection.ExecuteAsync(Cmd("UPDATE sessions SET last_activity_at = @at WHERE id = @id AND ended_at IS NULL",
            new { id, at = Times.ToDb(at) })) == 1;

    public async Task<bool> MarkSignedInAsync(string id, bool calValidated, DateTimeOffset at) =>
        await _tx.Connection.ExecuteAsync(Cmd(
            "UPDATE sessions SET signed_in = 1, cal_validated = @validated, last_activity_at = @at WHERE id = @id AND ended_at IS NULL",
            new { id, validated = calValidated ? 1 : 0, at = Times.ToDb(at) })) == 1;

    /// <summary>Records the account the desktop authenticated on an open session; false when it is not open.</summary>
    public async Task<bool> SetAuthenticatedUserAsync(string id, string user) =>
        await _tx.Connection.ExecuteAsync(Cmd("UPDATE sessions SET authenticated_user = @user WHERE id = @id AND ended_at IS NULL", new { id, user })) == 1;

    /// <summary>Ends an open session; false when it was already ended (or never existed).</summary>
    public async Task<bool> EndSessionAsync(string id, DateTimeOffset at, string reason) =>
        await _tx.Connection.ExecuteAsync(Cmd("UPDATE sessions SET ended_at = @at, end_reason = @reason WHERE id = @id AND ended_at IS NULL",
            new { id, at = Times.ToDb(at), reason })) == 1;
}
