namespace RdLicensing.LicenseServer.Hosting;

/// <summary>
/// An exclusive lock on &lt;data&gt;/license-server.lock, held while a license server runs on the directory,
/// so a second server — or `rdlic server restore` — cannot use the database at the same time. The OS
/// releases it when the process ends, so a crash leaves no stale lock behind.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "license-server.lock";

    private FileStream? _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>Null when another license server (or a restore) holds the directory.</summary>
    public static DataDirectoryLock? TryAcquire(string dataDirectory)
    {
        // Owner-only (created, or tightened, 0700): the directory holds the database with the server's private key and the admin token.
        Storage.OwnerOnlyDirectory.Ensure(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId + "\n");
            file.Write(pid);
            file.Flush();
            return new DataDirectoryLock(file);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static string InUseMessage(string dataDirectory) =>
        $"The license server database in {Path.GetFullPath(dataDirectory)} is in use: a license server is running on it ({Path.Combine(Path.GetFullPath(dataDirectory), FileName)} is locked). Stop that server first.";

    public void Dispose()
    {
        Interlocked.Exchange(ref _file, null)?.Dispose();
    }
}
