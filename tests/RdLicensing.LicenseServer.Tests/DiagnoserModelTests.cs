using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Console.Models;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>The Diagnoser tells of a security group refusal only while it applies (issue 15: it warned after the policy was turned off).</summary>
public sealed class DiagnoserModelTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly SessionHostView Outside = new("rdsh-01", false, At.AddDays(-3), At.AddDays(-1));
    private static readonly EventView Refusal = new(7, At, 4141, "HostNotInSecurityGroup", "warning",
        "The session host rdsh-01 is not a member of this license server's security group", "rdsh-01", null, null, null);
    private static readonly EventView NoLicense = new(6, At.AddHours(-1), 4105, "DeviceRefused", "warning", "No license available", "rdsh-01", "pc-1", null, null);

    [Fact]
    public void With_the_policy_on_and_the_host_outside_the_group_the_refusal_and_its_event_are_told()
    {
        var seen = DiagnoserModel.WhatTheServerSees(Outside, new PoliciesView(true, false), [Refusal, NoLicense]);
        Assert.StartsWith("Refused: the security group policy is on", seen[0]);
        Assert.Contains(seen, s => s.Contains("security group", StringComparison.Ordinal) && s.StartsWith("Latest warning", StringComparison.Ordinal));
    }

    [Fact]
    public void After_the_policy_is_turned_off_no_line_mentions_the_security_group()
    {
        var seen = DiagnoserModel.WhatTheServerSees(Outside, new PoliciesView(false, false), [Refusal, NoLicense]);
        Assert.DoesNotContain(seen, s => s.Contains("security group", StringComparison.OrdinalIgnoreCase));
        // The latest warning that still applies is told instead.
        Assert.Contains(seen, s => s.StartsWith("Latest warning", StringComparison.Ordinal) && s.Contains("No license available", StringComparison.Ordinal));
    }

    [Fact]
    public void After_the_host_is_added_to_the_group_no_line_mentions_the_security_group()
    {
        var seen = DiagnoserModel.WhatTheServerSees(Outside with { InSecurityGroup = true }, new PoliciesView(true, false), [Refusal]);
        Assert.DoesNotContain(seen, s => s.Contains("security group", StringComparison.OrdinalIgnoreCase));
    }
}
