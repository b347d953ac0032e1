namespace RdLicensing.Storage;

/// <summary>
/// A service's data directory holds its private keys, tokens and databases: it is owner-only (0700). A missing one is
/// created so; one found with permissions for the group or others is tightened to 0700 at start; a shared one (/tmp:
/// sticky bit, the temporary directory, the root) or one that cannot be tightened (another user owns it) is refused with
/// a message that says what to do. Only a service's own data directory (or a key directory inside it) is passed here,
/// never a file's parent.
/// </summary>
public static class OwnerOnlyDirectory
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                              | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates or tightens <paramref name="path"/>; true when an existing directory was tightened.</summary>
    /// <exception cref="InvalidOperationException">The directory is open to others and cannot be made owner-only.</exception>
    public static bool Ensure(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return false;
        }
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, Mode);
            return false;
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) == 0) return false;
        var full = Path.GetFullPath(path);
        // A shared directory (/tmp and the like: sticky bit, or the system's temporary directory) is never tightened —
        // that would lock every other user out of it — and never used as a data directory.
        if ((mode & UnixFileMode.StickyBit) != 0 || SameDirectory(full, Path.GetTempPath()) || SameDirectory(full, "/"))
            throw new InvalidOperationException(
                $"The data directory {full} is a shared directory (mode {Octal(mode)}): give the service a directory of its own, " +
                $"e.g. {Path.Combine(full, "rdlic")}.");
        try
        {
            File.SetUnixFileMode(path, Mode);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InvalidOperationException(
                $"The data directory {full} is open to other users (mode {Octal(mode)}) and cannot be made owner-only by this user: " +
                $"as its owner run 'chmod 700 {full}', or use another data directory.", e);
        }
    }

    private static bool SameDirectory(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);

    public static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');
}
