namespace RdLicensing.SessionHost.Hosting;

/// <summary>
/// The session host database keeps enrollment tokens as given, so — like admin.token — it is owner-only (0600)
/// from its first byte; SQLite gives its -wal and -shm files the database file's mode.
/// </summary>
public static class OwnerOnlyFiles
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void EnsureDatabase(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (OperatingSystem.IsWindows()) return;
        if (!File.Exists(path))
        {
            try
            {
                using var created = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerReadWrite,
                });
            }
            catch (IOException) when (File.Exists(path))
            {
                // Created meanwhile: tightened below.
            }
        }
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            if (File.Exists(file) && File.GetUnixFileMode(file) != OwnerReadWrite) File.SetUnixFileMode(file, OwnerReadWrite);
    }
}
