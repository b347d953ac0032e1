using System.Data.Common;
using Dapper;

namespace RdLicensing.Storage;

/// <summary>
/// What every store of the system does the same way: migrate its own scripts, run reads on their own
/// connections, and run each change as one write transaction that commits all of it or none (a work item
/// that throws rolls back, so a refused request leaves nothing behind).
/// </summary>
public abstract class SqlStore<TSession>(IStoreDialect dialect, Func<WriteTransaction, TSession> openSession)
{
    public IStoreDialect Dialect { get; } = dialect;

    public Task<int> MigrateAsync(CancellationToken cancellationToken = default) => Migrator.MigrateAsync(Dialect, cancellationToken);

    public async Task<T> WriteAsync<T>(Func<TSession, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var tx = await Dialect.BeginWriteAsync(cancellationToken);
        var session = openSession(tx);
        var result = await work(session);
        if (session is IBeforeCommit hook) await hook.BeforeCommitAsync();
        await tx.CommitAsync(cancellationToken);
        return result;
    }

    public Task WriteAsync(Func<TSession, Task> work, CancellationToken cancellationToken = default) =>
        WriteAsync(async session => { await work(session); return true; }, cancellationToken);

    public Task<string?> SettingAsync(string name, CancellationToken cancellationToken = default) =>
        ReadAsync(c => c.ExecuteScalarAsync<string?>("SELECT value FROM settings WHERE name = @name", new { name }), cancellationToken);

    protected async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await Dialect.OpenAsync(cancellationToken);
        return await read(connection);
    }
}
