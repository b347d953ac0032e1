namespace RdLicensing.SessionHost.Hosting;

/// <summary>
/// The session host database keeps enrollment tokens as given, so — like admin.token — it is owner-only (0600).
/// The SQLite dialect creates a new database that way; this also tightens a store made before, or copied in
/// with wider permissions, at every start.
/// </summary>
public static class OwnerOnlyFiles
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void TightenDatabase(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            if (File.Exists(file) && File.GetUnixFileMode(file) != OwnerReadWrite) File.SetUnixFileMode(file, OwnerReadWrite);
    }

    /// <summary>Creates the data directory owner-only (0700), or tightens one found open to others (<see cref="Storage.OwnerOnlyDirectory"/>).</summary>
    public static void CreateDirectory(string path) => Storage.OwnerOnlyDirectory.Ensure(path);
}
