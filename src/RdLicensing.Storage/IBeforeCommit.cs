namespace RdLicensing.Storage;

/// <summary>A write session that records something derived from its changes, in the same transaction, just before it commits.</summary>
public interface IBeforeCommit
{
    Task BeforeCommitAsync();
}
