namespace RdLicensing.LicenseServer.Hosting;

/// <summary>&lt;data&gt;/admin.token: the administrator's password, so it is created owner-only from the first byte.</summary>
public static class AdminTokenFile
{
    public static async Task WriteAsync(string path, string token, CancellationToken cancellationToken)
    {
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var file = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), fileOptions);
        await file.WriteLineAsync(token.AsMemory(), cancellationToken);
    }

    public static string? Read(string path) =>
        File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } token ? token : null;
}
