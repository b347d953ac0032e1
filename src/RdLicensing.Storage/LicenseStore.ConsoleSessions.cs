using Dapper;

namespace RdLicensing.Storage;

public sealed partial class LicenseStore
{
    /// <summary>Starts a console session: a new random id (only its hash is stored), live until <paramref name="expiresAt"/> or sign-out. Expired sessions are dropped.</summary>
    public Task<string> StartConsoleSessionAsync(DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        var id = NewToken("rdcs");
        return WriteAsync(async s =>
        {
            await s.DeleteExpiredConsoleSessionsAsync(now);
            await s.InsertConsoleSessionAsync(HashToken(id), now, expiresAt);
            return id;
        }, cancellationToken);
    }

    public Task<bool> IsConsoleSessionLiveAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ReadAsync(async c => await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM console_sessions WHERE id = @id AND expires_at > @now", new { id = HashToken(id), now = Times.ToDb(now) }, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task EndConsoleSessionAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(s => s.DeleteConsoleSessionAsync(HashToken(id)), cancellationToken);
}

public sealed partial class LicenseWriteSession
{
    internal Task InsertConsoleSessionAsync(string id, DateTimeOffset createdAt, DateTimeOffset expiresAt) =>
        _tx.Connection.ExecuteAsync(Cmd("INSERT INTO console_sessions (id, created_at, expires_at) VALUES (@id, @createdAt, @expiresAt)",
            new { id, createdAt = Times.ToDb(createdAt), expiresAt = Times.ToDb(expiresAt) }));

    internal Task DeleteExpiredConsoleSessionsAsync(DateTimeOffset now) =>
        _tx.Connection.ExecuteAsync(Cmd("DELETE FROM console_sessions WHERE expires_at <= @now", new { now = Times.ToDb(now) }));

    internal Task DeleteConsoleSessionAsync(string id) =>
        _tx.Connection.ExecuteAsync(Cmd("DELETE FROM console_sessions WHERE id = @id", new { id }));
}
