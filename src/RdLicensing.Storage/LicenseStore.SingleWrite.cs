namespace RdLicensing.Storage;

public sealed partial class LicenseStore
{
    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction of its own and commits it durably before returning — never
    /// sharing a transaction or a commit with other writers' work, whatever <see cref="SqlStore{TSession}.WriteAsync{T}"/>
    /// does. This is what the database can do one durable transaction at a time: the baseline `rdlic bench licensing`
    /// compares the server's CAL issuance rate with.
    /// </summary>
    public async Task<T> WriteSingleAsync<T>(Func<LicenseWriteSession, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var tx = await Dialect.BeginWriteAsync(cancellationToken);
        var session = new LicenseWriteSession(tx);
        var result = await work(session);
        ((IBatchItem)session).Succeeded();
        if (tx.BatchState is { } shared) await shared.BeforeCommitAsync(tx);
        await tx.CommitAsync(cancellationToken);
        return result;
    }
}
