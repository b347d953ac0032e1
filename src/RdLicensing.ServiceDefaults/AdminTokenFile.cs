namespace RdLicensing.ServiceDefaults;

/// <summary>
/// &lt;data-dir&gt;/admin.token of each service: its administrator's password. Written owner-only (0600) from the
/// first byte and without a byte order mark, so `$(cat admin.token)` works in a shell.
/// </summary>
public static class AdminTokenFile
{
    public const string FileName = "admin.token";

    public static async Task WriteAsync(string path, string token, CancellationToken cancellationToken)
    {
        // An existing file keeps its permissions when opened for writing, so it goes first: the new file is created 0600.
        File.Delete(path);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var file = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), fileOptions);
        await file.WriteLineAsync(token.AsMemory(), cancellationToken);
    }

    public static string? Read(string path) =>
        File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } token ? token : null;
}
