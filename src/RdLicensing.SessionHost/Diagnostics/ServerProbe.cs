using RdLicensing.Core.Protocol;

namespace RdLicensing.SessionHost.Diagnostics;

/// <summary>The connectivity results the Remote Desktop Licensing Diagnoser reports for a license server.</summary>
public static class Connectivity
{
    public const string Valid = "VALID";
    /// <summary>The license server's version is lower than the session host's: it cannot hold CALs this host accepts.</summary>
    public const string LowerVersion = "LOWER_VERSION";
    public const string NotInTscGroup = "NOT_IN_TSCGROUP";
    public const string NotConnectable = "NOT_CONNECTABLE";
    /// <summary>The host has no token for the server, or the server refused it.</summary>
    public const string AccessDenied = "ACCESS_DENIED";
    public const string Unknown = "UNKNOWN";
}

/// <summary>What contacting one license server found: the connectivity result, why, and the server's details when it answered.</summary>
public sealed record ServerProbe(string Url, string Connectivity, string Message, LicenseServerDiagnosticsView? Details)
{
    public DiagnosedServerView ToView() => new(Url, Connectivity, Message, Details);
}
