namespace RdLicensing.Storage;

/// <summary>A writer's turn on a dialect's in-process writer queue; released once, however often it is disposed.</summary>
internal sealed class WriterTurn(SemaphoreSlim semaphore) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) semaphore.Release();
    }
}
