using RdLicensing.Core.Protocol;

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
        "activated" => $"Activated until {status.Activation.ExpiresAt:yyyy-MM-dd} — {Problems(status)} warning(s)",
        "not-activated" => "Not activated: only temporary CALs can be issued",
        var other => $"Activation: {other}",
    };

    /// <summary>Warnings that say something is wrong; a simulated clock has its own banner on every page, so it does not count.</summary>
    private static int Problems(StatusView status) =>
        status.Warnings.Count(w => !w.StartsWith("The clock is simulated", StringComparison.Ordinal));
}
