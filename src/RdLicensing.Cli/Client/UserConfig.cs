using System.Text.Json;

namespace RdLicensing.Cli.Client;

/// <summary>
/// Where rdlic finds the data directory of `rdlic up` when run from anywhere. In order: --data; RDLIC_HOME; ./data when
/// it holds rdlic.json; the data directory recorded in the per-user file ~/.config/rdlicensing/cli.json (mode 0600,
/// written by `rdlic up`; $XDG_CONFIG_HOME is honoured, RDLIC_CLI_CONFIG names another file) when it still holds
/// rdlic.json; else ./data.
/// </summary>
internal static class UserConfig
{
    public const string HomeVariable = "RDLIC_HOME";
    public const string FileVariable = "RDLIC_CLI_CONFIG";

    private static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Indented;

    public static string FilePath =>
        NonEmpty(Environment.GetEnvironmentVariable(FileVariable))
        ?? Path.Combine(NonEmpty(Environment.GetEnvironmentVariable("XDG_CONFIG_HOME"))
                        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"), "rdlicensing", "cli.json");

    /// <summary>The data directory a command that runs services uses: --data, else RDLIC_HOME, else ./data.</summary>
    public static string ForServices(string? data) => NonEmpty(data) ?? NonEmpty(Environment.GetEnvironmentVariable(HomeVariable)) ?? CliContext.DefaultDataDirectory;

    /// <summary>The data directory a command that calls services reads its addresses and tokens from.</summary>
    public static string ForClients(string? data)
    {
        if ((NonEmpty(data) ?? NonEmpty(Environment.GetEnvironmentVariable(HomeVariable))) is { } chosen) return chosen;
        if (File.Exists(Path.Combine(CliContext.DefaultDataDirectory, Connection.SettingsFileName))) return CliContext.DefaultDataDirectory;
        return Recorded() is { } recorded && File.Exists(Path.Combine(recorded, Connection.SettingsFileName)) ? recorded : CliContext.DefaultDataDirectory;
    }

    /// <summary>Records <paramref name="dataDirectory"/> (absolute) in the per-user file, created owner-only (0600, its folder 0700).</summary>
    public static string Write(string dataDirectory)
    {
        var path = FilePath;
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temporary = path + ".tmp";
        var text = JsonSerializer.Serialize(new Settings(Path.GetFullPath(dataDirectory)), Json) + "\n";
        if (OperatingSystem.IsWindows()) File.WriteAllText(temporary, text);
        else
        {
            using var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            using var writer = new StreamWriter(stream);
            writer.Write(text);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite); // an older .tmp kept its mode
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static string? Recorded()
    {
        try
        {
            var path = FilePath;
            return File.Exists(path) ? NonEmpty(JsonSerializer.Deserialize<Settings>(File.ReadAllText(path), Json)?.Data) : null;
        }
        catch (JsonException)
        {
            throw new CliException($"{FilePath} is not valid JSON; delete it (rdlic up writes it again) or write {{\"data\": \"/path/to/data\"}}.");
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed record Settings(string? Data);
}
