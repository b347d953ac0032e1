using System.Globalization;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Core.Review;

/// <summary>An enrolled session host as Review Configuration sees it.</summary>
public sealed record ReviewedHost(string Name, bool InSecurityGroup);

/// <summary>Everything Review Configuration looks at. ActivationStatus: "activated" | "expired" | "deactivated" | "not-activated".</summary>
public sealed record ReviewInput(
    DateTimeOffset Now,
    string ActivationStatus,
    DateTimeOffset? ActivationExpiresAt,
    string? TrustedClearinghouse,
    bool ClearinghouseAddressConfigured,
    bool SecurityGroupEnabled,
    IReadOnlyList<ReviewedHost> Hosts,
    int KeyPacks,
    DatabaseView Database);

/// <summary>The fixes the Licensing Manager offers next to a problem.</summary>
public static class ReviewFixes
{
    public const string Activate = "activate";
    public const string Reactivate = "reactivate";
    public const string InstallLicenses = "install-licenses";
    public const string AddToSecurityGroup = "add-to-security-group";
    public const string EnrollSessionHost = "enroll-session-host";
}

/// <summary>
/// Review Configuration (licmgr): activation and its certificate, the clearinghouse, key packs, the enrolled session
/// hosts and their security group membership, the database. Every check is listed, problems first (errors, then
/// warnings), each problem with the fix that exists for it. Pure: no I/O.
/// </summary>
public static class ConfigurationReview
{
    /// <summary>An activation certificate this close to its end is a warning (the diagnoser uses the same horizon).</summary>
    public static readonly TimeSpan ActivationWarning = TimeSpan.FromDays(30);

    public const string Error = "error";
    public const string Warning = "warning";
    public const string Ok = "ok";

    public static IReadOnlyList<ReviewCheckView> Check(ReviewInput input)
    {
        var checks = new List<ReviewCheckView> { Activation(input), Clearinghouse(input), ClearinghouseAddress(input), KeyPacks(input), SessionHosts(input) };
        checks.AddRange(SecurityGroup(input));
        checks.Add(Database(input.Database));
        return checks.OrderBy(c => c.Status switch { Error => 0, Warning => 1, _ => 2 }).ToList();
    }

    private static ReviewCheckView Activation(ReviewInput input)
    {
        var expires = input.ActivationExpiresAt;
        return input.ActivationStatus switch
        {
            "activated" when expires is { } e && e - input.Now <= ActivationWarning => new("activation", Warning,
                $"The activation certificate expires on {Day(e)} (in {DaysLeft(e, input.Now)} days): after that the license server issues no permanent CALs. Reactivate it before then.",
                ReviewFixes.Reactivate, null),
            "activated" => new("activation", Ok,
                expires is { } e ? $"The license server is activated; its certificate is valid until {Day(e)} ({DaysLeft(e, input.Now)} days)." : "The license server is activated.",
                null, null),
            "expired" => new("activation", Error,
                $"The activation certificate expired{(expires is { } e ? " on " + Day(e) : "")}: the license server issues no permanent CALs until it is reactivated.",
                ReviewFixes.Reactivate, null),
            "deactivated" => new("activation", Error,
                "The license server is deactivated: " + RdLicensing.Core.Activation.ActivationLicensingPolicy.Deactivated + ".",
                ReviewFixes.Reactivate, null),
            _ => new("activation", Error,
                "The license server is not activated: it issues only temporary Per Device CALs (90 days) and Per User CALs, and cannot install licenses.",
                ReviewFixes.Activate, null),
        };
    }

    private static ReviewCheckView Clearinghouse(ReviewInput input) => input.TrustedClearinghouse is { } subject
        ? new("clearinghouse-trusted", Ok, $"The clearinghouse certificate {subject} is trusted: key packs and activations are verified against it.", null, null)
        : new("clearinghouse-trusted", Error,
            "No clearinghouse certificate is trusted: key packs and activations cannot be verified. Restart the license server with --clearinghouse-cert FILE.", null, null);

    private static ReviewCheckView ClearinghouseAddress(ReviewInput input) => input.ClearinghouseAddressConfigured
        ? new("clearinghouse-address", Ok, "The clearinghouse address is configured: the automatic connection method can be used.", null, null)
        : new("clearinghouse-address", Warning,
            "No clearinghouse address is configured: the automatic connection method (activation, Install Licenses, migration, reissue after a rebuild) cannot be used. Use the web or telephone method, or restart the license server with --clearinghouse-url URL.",
            null, null);

    private static ReviewCheckView KeyPacks(ReviewInput input) => input.KeyPacks == 0
        ? new("key-packs", Warning,
            "No licenses are installed: Per Device clients get only temporary CALs (refused when those expire) and Per User CALs come from the OverUsed pool.",
            ReviewFixes.InstallLicenses, null)
        : new("key-packs", Ok, $"{input.KeyPacks} key pack(s) are installed.", null, null);

    private static ReviewCheckView SessionHosts(ReviewInput input) => input.Hosts.Count == 0
        ? new("session-hosts", Warning,
            "No session host is enrolled: no session host can ask this license server for CALs. Enroll each one on the console's Session hosts page (or with 'rdlic hosts enroll NAME').",
            ReviewFixes.EnrollSessionHost, null)
        : new("session-hosts", Ok, $"{input.Hosts.Count} session host(s) are enrolled: {string.Join(", ", input.Hosts.Select(h => h.Name))}.", null, null);

    private static IEnumerable<ReviewCheckView> SecurityGroup(ReviewInput input)
    {
        if (!input.SecurityGroupEnabled)
        {
            yield return new("security-group", Ok,
                "The license server security group policy is off: every enrolled session host may request CALs.", null, null);
            yield break;
        }
        var outside = input.Hosts.Where(h => !h.InSecurityGroup).ToList();
        foreach (var host in outside)
            yield return new("host-not-in-security-group", Error,
                $"The license server security group policy is on and session host {host.Name} is not in the group: the license server refuses its CAL requests (event 4141).",
                ReviewFixes.AddToSecurityGroup, host.Name);
        if (outside.Count == 0)
            yield return new("security-group", Ok, input.Hosts.Count == 0
                ? "The license server security group policy is on; the group is empty."
                : $"The license server security group policy is on and all {input.Hosts.Count} enrolled session host(s) are in the group.", null, null);
    }

    private static ReviewCheckView Database(DatabaseView database)
    {
        var where = database.SizeBytes is { } size ? $"{database.Location} ({FormatSize(size)})" : database.Location;
        return database.OwnerOnly == false
            ? new("database", Warning,
                $"The database {where} can be read by other users of this computer, and it holds the license server's private key. Make it readable by its owner only (chmod 600).",
                null, null)
            : new("database", Ok, $"The database is {where}{(database.OwnerOnly == true ? ", readable by its owner only" : "")}.", null, null);
    }

    /// <summary>1 536 → "1.5 KiB".</summary>
    public static string FormatSize(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} bytes" : value.ToString(value < 10 ? "0.#" : "0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    private static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static int DaysLeft(DateTimeOffset expires, DateTimeOffset now) => Math.Max(0, (int)Math.Ceiling((expires - now).TotalDays));
}
