using System.Security.Cryptography;
using System.Text;

namespace RdLicensing.Cli.Client;

/// <summary>
/// The CAL store of the client devices `rdlic connect` plays: one file per device, &lt;device&gt;.cal (the CAL
/// certificate as PEM, owner-only), in --client-data, else $RDLIC_CLIENT_DATA, else $XDG_DATA_HOME/rdlic/licenses,
/// else ~/.local/share/rdlic/licenses. A device's hardware id is the hex SHA-256 of its name, so it is stable.
/// </summary>
internal sealed class DeviceLicenseStore(string directory)
{
    public const int MaxDeviceNameLength = 63;

    public string Directory { get; } = Path.GetFullPath(directory);

    public static DeviceLicenseStore Resolve(string? option)
    {
        static string? NonEmpty(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
        var directory = NonEmpty(option) ?? NonEmpty(Environment.GetEnvironmentVariable("RDLIC_CLIENT_DATA"))
            ?? (NonEmpty(Environment.GetEnvironmentVariable("XDG_DATA_HOME")) is { } xdg
                ? Path.Combine(xdg, "rdlic", "licenses")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "rdlic", "licenses"));
        return new DeviceLicenseStore(directory);
    }

    /// <summary>Letters, digits, '-', '_' and '.', not starting with '.', at most 63 characters (it names a file).</summary>
    public static bool IsValidDeviceName(string? name) =>
        name is { Length: > 0 and <= MaxDeviceNameLength } && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public static string HardwareId(string device) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(device)));

    public string PathOf(string device) => Path.Combine(Directory, device + ".cal");

    /// <summary>The device's stored CAL (DER), or null when it has none.</summary>
    public byte[]? Read(string device)
    {
        var path = PathOf(device);
        if (!File.Exists(path)) return null;
        var text = File.ReadAllText(path);
        try
        {
            return PemEncoding.Find(text) is var pem && text[pem.Label] == "CERTIFICATE"
                ? Convert.FromBase64String(text[pem.Base64Data])
                : throw new FormatException();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new CliException($"{path} is not a CAL file (a PEM certificate); delete it to let the device start over.");
        }
    }

    /// <summary>Stores the CAL the session host handed out, replacing the old one; owner-only from the first byte.</summary>
    public string Write(string device, byte[] license)
    {
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
        else System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = PathOf(device);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new StreamWriter(temporary, Encoding.ASCII, options))
            file.Write(PemEncoding.WriteString("CERTIFICATE", license) + "\n");
        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
