using System.Net;
using System.Net.NetworkInformation;
using RdLicensing.Core.Protocol;

namespace RdLicensing.SessionHost.Diagnostics;

/// <summary>
/// Whether xrdp shows its login screen to a client whose credentials fail. xrdp (0.9.21) puts nothing on the wire naming
/// the account signed in at that screen; the relay withholds key and mouse-button presses from it until the desktop's
/// logon (Rdp/Relay/LoginScreenInput, event 5037), so nobody signs in there as another account, but such a client is
/// left at a screen that does not respond. xrdp.ini [Globals] <c>require_credentials=true</c> makes xrdp end that
/// connection instead (a wrong password ends it, with a reason). The diagnoser reads the xrdp.ini of a desktop on this
/// machine; a remote one is only advised.
/// </summary>
public static class XrdpLoginScreen
{
    public const string DefaultConfigPath = "/etc/xrdp/xrdp.ini";

    public const string ProblemId = "desktop-login-screen-open";

    /// <summary>xrdp.ini's require_credentials in [Globals], as xrdp reads it.</summary>
    public sealed record Setting(bool Required, string? Value);

    /// <summary>
    /// Reads <c>require_credentials</c> from the [Globals] section the way xrdp's parser does: section and key
    /// case-insensitive, everything from '#', ';' or '!' on a line is a comment, name and value trimmed, the last value
    /// wins; true when the value is true, yes or on (any case) or a non-zero number (xrdp's g_text2bool). Pure.
    /// </summary>
    public static Setting RequireCredentials(string iniText)
    {
        string? value = null;
        var inGlobals = false;
        foreach (var raw in iniText.Split('\n'))
        {
            var cut = raw.IndexOfAny(['#', ';', '!']);
            var line = (cut >= 0 ? raw[..cut] : raw).Trim();
            if (line.Length == 0) continue;
            if (line[0] == '[')
            {
                var end = line.IndexOf(']');
                inGlobals = end > 0 && string.Equals(line[1..end], "Globals", StringComparison.OrdinalIgnoreCase);
                continue;
            }
            if (!inGlobals) continue;
            var equals = line.IndexOf('=');
            if (equals <= 0) continue;
            if (string.Equals(line[..equals].Trim(), "require_credentials", StringComparison.OrdinalIgnoreCase))
                value = line[(equals + 1)..].Trim();
        }
        return new Setting(value is not null && IsTrue(value), value);
    }

    /// <summary>xrdp's g_text2bool: atoi(s) != 0, or true / on / yes in any case.</summary>
    private static bool IsTrue(string value)
    {
        if (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("on", StringComparison.OrdinalIgnoreCase)
            || value.Equals("yes", StringComparison.OrdinalIgnoreCase)) return true;
        var i = 0;
        if (i < value.Length && value[i] is '+' or '-') i++;
        var start = i;
        while (i < value.Length && char.IsAsciiDigit(value[i])) i++;
        return i > start && value[start..i].Any(c => c != '0');
    }

    /// <summary>Whether the desktop's host is this machine: localhost, a loopback address, an address of this machine's interfaces or its name.</summary>
    public static bool IsThisMachine(string host)
    {
        var name = host.Trim('[', ']');
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.Equals(Environment.MachineName, StringComparison.OrdinalIgnoreCase))
            return true;
        if (!IPAddress.TryParse(name, out var address)) return false;
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Any(a => a.Address.Equals(address) || a.Address.IsIPv4MappedToIPv6 && a.Address.MapToIPv4().Equals(address));
        }
        catch (NetworkInformationException)
        {
            return false;
        }
    }

    private const string AtStake =
        "xrdp puts nothing on the wire naming the account signed in at its login screen, so the relay credits the user name the client sent with its password. "
        + "So that nobody claims a listed administrator's name (for an administrative session without a CAL) or another name (for its Per User CAL) with a wrong password and then signs in there as another account, "
        + "the relay withholds key and mouse-button presses from that screen until the desktop's logon (event 5037): a client whose password fails is left at a login screen that does not respond.";

    private static string Fix(string path) => $"Set require_credentials=true in the [Globals] section of {path}, then restart xrdp ('systemctl restart xrdp'): a wrong password then ends the connection.";

    /// <summary>
    /// The desktop's check with what its xrdp.ini says. <paramref name="configText"/> is the file's text, or null when
    /// <paramref name="readError"/> says why it could not be read; both are ignored for a desktop not on this machine. Pure.
    /// </summary>
    public static DesktopCheck Apply(DesktopCheck check, bool onThisMachine, string configPath, string? configText, string? readError)
    {
        if (!onThisMachine)
            return check with
            {
                Message = $"{check.Message} xrdp's login screen cannot be checked from here: on that machine set require_credentials=true in {DefaultConfigPath} [Globals] and restart xrdp, "
                          + "so that a wrong password ends the connection (the relay withholds input from xrdp's login screen, which then does not respond).",
            };
        if (configText is null)
            return check with
            {
                Message = $"{check.Message} xrdp's login screen not checked: {configPath} cannot be read ({readError}); make sure it has require_credentials=true in [Globals].",
            };
        var setting = RequireCredentials(configText);
        if (setting.Required)
            return check with { Message = $"{check.Message} xrdp's login screen: require_credentials={setting.Value} in {configPath} (a wrong password ends the connection)." };
        var now = setting.Value is null ? "require_credentials is not set in its [Globals] (xrdp's default: false)" : $"require_credentials={setting.Value} in its [Globals]";
        var message = $"The desktop {check.Desktop} shows xrdp's login screen to a client whose credentials fail (the relay withholds input from it, so the client sees a screen that does not respond): {configPath} has {now}.";
        return check with
        {
            Message = $"{check.Message} xrdp's login screen is open: {now}.",
            LoginScreenProblem = new DiagnosisProblemView(ProblemId, "warning", message,
                AtStake + " With require_credentials=true xrdp ends such a connection with a reason instead.",
                [Fix(configPath), "Clients must then send the user name and password with the connection (e.g. xfreerdp /u:NAME /p:PASSWORD)."],
                null),
        };
    }

    /// <summary>The file's text, or why it cannot be read.</summary>
    public static async Task<(string? Text, string? Error)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await File.ReadAllTextAsync(path, cancellationToken), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message);
        }
    }
}
