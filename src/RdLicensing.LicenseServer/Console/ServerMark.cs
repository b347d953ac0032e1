using RdLicensing.Core.Protocol;
using RdLicensing.Core.Review;

namespace RdLicensing.LicenseServer.Console;

/// <summary>The state mark licmgr draws beside a server: activated and fine, a warning, or an error.</summary>
public static class ServerMark
{
    public static string Of(StatusView status) => status.Activation.Status switch
    {
        "activated" => Problems(status) == 0 ? "ok" : "warn",
        "expired" or "deactivated" => "bad",
        _ => "bad",
    };

    public static string Describe(StatusView status) => status.Activation.Status switch
    {
        "activated" when Problems(status) == 0 => $"Activated until {status.Activation.ExpiresAt:yyyy-MM-dd}",
        "activated" => $"Activated until {status.Activation.ExpiresAt:yyyy-MM-dd} — {Problems(status)} item(s) need attention",
        "not-activated" => "Not activated: only temporary CALs can be issued",
        var other => $"Activation: {other}",
    };

    /// <summary>The attention list's length (<see cref="AttentionPolicy"/>), at the server's own time: the header counts the same.</summary>
    private static int Problems(StatusView status) => AttentionPolicy.Evaluate(status, status.Clock.Now).Count;
}
