using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

/// <summary>The state mark licmgr draws beside a server: activated and fine, a warning, or an error.</summary>
public static class ServerMark
{
    public static string Of(StatusView status) => status.Activation.Status switch
    {
        "activated" => status.Warnings.Count == 0 ? "ok" : "warn",
        "expired" or "deactivated" => "bad",
        _ => "bad",
    };

    public static string Describe(StatusView status) => status.Activation.Status switch
    {
        "activated" when status.Warnings.Count == 0 => $"Activated until {status.Activation.ExpiresAt:yyyy-MM-dd}",
        "activated" => $"Activated until {status.Activation.ExpiresAt:yyyy-MM-dd} — {status.Warnings.Count} warning(s)",
        "not-activated" => "Not activated: only temporary CALs can be issued",
        var other => $"Activation: {other}",
    };
}
