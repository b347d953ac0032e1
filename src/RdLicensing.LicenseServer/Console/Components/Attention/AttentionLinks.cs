using RdLicensing.Core.Review;

namespace RdLicensing.LicenseServer.Console.Components.Attention;

/// <summary>Where the console fixes or shows an attention item: the page (filtered to it) or the action, and the CLI command as a hint.</summary>
public sealed record AttentionLink(string Href, string Text, string? CliHint);

public static class AttentionLinks
{
    public static AttentionLink For(AttentionItem item) => item.Kind switch
    {
        AttentionKind.NotActivated => new("/console/activate", "Activate Server", "rdlic server activate"),
        AttentionKind.ActivationEnded or AttentionKind.ActivationExpiring => new("/console/reactivate", "Reactivate Server", "rdlic server reactivate --reason expired"),
        AttentionKind.NoClearinghouse => new("/console/review", "Review Configuration", "start the license server with --clearinghouse-cert FILE"),
        AttentionKind.PoolExhausted or AttentionKind.PoolLow => new("/console/install", "Install Licenses", "rdlic licenses install"),
        AttentionKind.OverUsed => new($"/console/cals?type=per-user&version={Uri.EscapeDataString(item.Version ?? "")}&overused=true", "Show the OverUsed CALs", null),
        AttentionKind.GraceEnded or AttentionKind.GraceEnding or AttentionKind.HostNotSynced =>
            new($"/console/diagnoser?host={Uri.EscapeDataString(item.Host ?? "")}", $"Diagnose {item.Host}", "rdlic diagnose (on the session host)"),
        _ => new("/console/review", "Review Configuration", null),
    };

    /// <summary>"3 items need attention" / "1 item needs attention".</summary>
    public static string Count(int count) => count == 1 ? "1 item needs attention" : $"{count} items need attention";
}
