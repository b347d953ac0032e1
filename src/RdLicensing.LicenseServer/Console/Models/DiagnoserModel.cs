using System.Globalization;
using RdLicensing.Core.Events;
using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console.Models;

/// <summary>The Licensing Diagnoser page's text about what this license server knows of the hosts it enrolled.</summary>
public static class DiagnoserModel
{
    /// <summary>
    /// What the license server itself knows of a host it enrolled: its security group standing, its last contact, the latest
    /// warning it logged about it. A refusal for the security group (event 4141) is told only while it still applies — the
    /// policy on and the host outside the group: after the policy is turned off or the host added, an old 4141 is history.
    /// </summary>
    public static IReadOnlyList<string> WhatTheServerSees(SessionHostView host, PoliciesView? policies, IEnumerable<EventView> warnings)
    {
        var refusedNow = policies is { SecurityGroupEnabled: true } && !host.InSecurityGroup;
        var seen = new List<string>();
        if (refusedNow)
            seen.Add("Refused: the security group policy is on and the host is not in the group (event 4141). Add it on Review Configuration.");
        seen.Add(host.LastSeenAt is { } at
            ? $"Last asked this license server for a CAL on {at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC."
            : "Has not asked this license server for a CAL since it was enrolled (still in its grace period, or this server is not in its license server list).");
        if (warnings.Where(e => string.Equals(e.SessionHost, host.Name, StringComparison.OrdinalIgnoreCase))
                .FirstOrDefault(e => refusedNow || e.EventId != (int)LicensingEventId.HostNotInSecurityGroup) is { } latest)
            seen.Add($"Latest {latest.Level} logged about it ({latest.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}): {latest.Message}");
        return seen;
    }
}
