namespace RdLicensing.SessionHost.Hosting;

/// <summary>
/// An exclusive lock on &lt;data-dir&gt;/sessionhost.lock while a session host runs on the directory, so two hosts
/// never share one store (and one grace period). The OS releases it when the process ends.
/// </summary>
public sealed class StoreLock : IDisposable
{
    public const string FileName = "sessionhost.lock";

    private FileStream? _file;

    private StoreLock(FileStream file) => _file = file;

    public static StoreLock Acquire(string dataDirectory)
    {
        OwnerOnlyFiles.CreateDirectory(dataDirectory);
        var path = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            file.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId + "\n"));
            file.Flush();
            return new StoreLock(file);
        }
        catch (IOException)
        {
            throw new InvalidOperationException($"The session host store in {Path.GetFullPath(dataDirectory)} is in use: a session host is running on it ({path} is locked). Stop it first, or use another --data-dir.");
        }
    }

    public void Dispose() => Interlocked.Exchange(ref _file, null)?.Dispose();
}
