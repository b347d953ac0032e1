namespace RdLicensing.SessionHost.Rdp;

/// <summary>A desktop behind the endpoint, as `--desktop rdp://HOST:PORT` names it.</summary>
public static class DesktopAddress
{
    /// <summary>The canonical rdp://host:port, or an error saying what is wrong and what to write instead.</summary>
    public static bool TryParse(string text, out Uri? address, out string? error)
    {
        address = null;
        error = null;
        var value = text.Trim();
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != "rdp")
            error = $"--desktop '{text}' is not an RDP address: write rdp://HOST:PORT (e.g. rdp://127.0.0.1:3389)";
        else if (string.IsNullOrEmpty(uri.Host))
            error = $"--desktop '{text}' names no host: write rdp://HOST:PORT (e.g. rdp://127.0.0.1:3389)";
        else if (uri.IsDefaultPort || uri.Port is < 1 or > 65535 || !value.Contains($":{uri.Port}", StringComparison.Ordinal))
            error = $"--desktop '{text}' names no port: write rdp://HOST:PORT (e.g. rdp://{uri.Host}:3389)";
        else if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            error = $"--desktop '{text}' has more than a host and a port: write rdp://HOST:PORT";
        else address = new Uri($"rdp://{uri.Authority}");
        return address is not null;
    }
}
