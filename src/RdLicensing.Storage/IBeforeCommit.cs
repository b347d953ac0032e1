namespace RdLicensing.Storage;

/// <summary>
/// State shared by the work items of one write transaction (<see cref="WriteTransaction.BatchState"/>): written once, in the
/// same transaction, just before it commits.
/// </summary>
public interface IBatchState
{
    Task BeforeCommitAsync(WriteTransaction tx);
}

/// <summary>A write session told whether its work item stayed in the transaction or was rolled back to its savepoint.</summary>
public interface IBatchItem
{
    /// <summary>The item's work completed and stays in the transaction.</summary>
    void Succeeded();

    /// <summary>The item's work was rolled back to its savepoint.</summary>
    void Failed();
}
