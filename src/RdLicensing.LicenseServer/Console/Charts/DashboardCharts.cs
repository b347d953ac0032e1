using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Console.Components.Cals;

namespace RdLicensing.LicenseServer.Console.Charts;

/// <summary>One small chart of a pool (version × CAL type): per day, licenses installed, issued from them, and OverUsed beyond them.</summary>
public sealed record PoolPanel(string Name, string Type, string Version, IReadOnlyList<DateOnly> Days,
    IReadOnlyList<int> Installed, IReadOnlyList<int> Issued, IReadOnlyList<int> OverUsed)
{
    public int InstalledNow => Installed.Count == 0 ? 0 : Installed[^1];
    public int IssuedNow => Issued.Count == 0 ? 0 : Issued[^1];
    public int OverUsedNow => OverUsed.Count == 0 ? 0 : OverUsed[^1];
    public int MostOverUsed => OverUsed.DefaultIfEmpty(0).Max();
}

/// <summary>Devices (Per Device) or users (Per User) holding a license, against the licenses installed for them, per day.</summary>
public sealed record LicensedPanel(string Name, IReadOnlyList<DateOnly> Days, IReadOnlyList<int> Licensed, IReadOnlyList<int> Installed)
{
    public int LicensedNow => Licensed.Count == 0 ? 0 : Licensed[^1];
    public int InstalledNow => Installed.Count == 0 ? 0 : Installed[^1];

    /// <summary>How many hold a license beyond those installed today (OverUsed Per User CALs); 0 when within.</summary>
    public int BeyondNow => Math.Max(0, LicensedNow - InstalledNow);
}

/// <summary>
/// Connections the license server refused, per reason and day — without those a session host let in anyway because its
/// grace period was still running (they were refused by the license server, not by the host).
/// </summary>
public sealed record RefusalChart(IReadOnlyList<DateOnly> Days, IReadOnlyList<RefusalSeries> Reasons, int LetInUnderGrace)
{
    public int Total => Reasons.Sum(r => r.Total);
}

public sealed record RefusalSeries(string Reason, string Name, IReadOnlyList<int> PerDay)
{
    public int Total => PerDay.Sum();
}

/// <summary>
/// The dashboard's chart data, computed from <see cref="DashboardView"/> by pure functions (the page only draws them):
/// each pool on its own small chart, devices and users licensed against installed, refusals by reason.
/// </summary>
public static class DashboardCharts
{
    /// <summary>The days of the range, first to last.</summary>
    public static IReadOnlyList<DateOnly> Days(DashboardView d)
    {
        var days = new List<DateOnly>();
        for (var day = d.From; day <= d.To; day = day.AddDays(1)) days.Add(day);
        return days;
    }

    /// <summary>One panel per pool, Per Device before Per User, newest version first; a day before the pool's first level counts 0.</summary>
    public static IReadOnlyList<PoolPanel> Pools(DashboardView d)
    {
        var days = Days(d);
        return d.Pools
            .OrderBy(p => p.Type == "per-device" ? 0 : 1).ThenByDescending(p => p.Version, StringComparer.Ordinal)
            .Select(pool =>
            {
                var byDay = pool.Points.ToDictionary(p => p.Day);
                PoolPointView? At(DateOnly day) => byDay.GetValueOrDefault(day);
                return new PoolPanel(PoolName(pool.Type, pool.Version), pool.Type, pool.Version, days,
                    days.Select(x => At(x)?.Total ?? 0).ToList(),
                    days.Select(x => At(x)?.Issued ?? 0).ToList(),
                    days.Select(x => At(x)?.OverUsed ?? 0).ToList());
            })
            .ToList();
    }

    /// <summary>
    /// Devices licensed (permanent Per Device CALs issued from the packs, all versions) against Per Device CALs installed; users
    /// licensed (Per User CALs from the packs plus OverUsed ones) against Per User CALs installed. A temporary CAL licenses no
    /// device: it is counted when the device gets its permanent one, so a new device counts once.
    /// </summary>
    public static IReadOnlyList<LicensedPanel> Licensed(DashboardView d)
    {
        var pools = Pools(d);
        var days = Days(d);
        LicensedPanel Panel(string name, string type, bool withOverUsed)
        {
            var of = pools.Where(p => p.Type == type).ToList();
            return new LicensedPanel(name, days,
                days.Select((_, i) => of.Sum(p => p.Issued[i] + (withOverUsed ? p.OverUsed[i] : 0))).ToList(),
                days.Select((_, i) => of.Sum(p => p.Installed[i])).ToList());
        }
        return [Panel("Devices", "per-device", withOverUsed: false), Panel("Users", "per-user", withOverUsed: true)];
    }

    /// <summary>Refusals per reason and day, the ones a host in its grace period let in left out (and counted apart).</summary>
    public static RefusalChart Refusals(DashboardView d)
    {
        var days = Days(d);
        var reasons = d.DenialsPerDay.Select(x => x.Reason).Distinct().OrderBy(r => r, StringComparer.Ordinal)
            .Select(reason => new RefusalSeries(reason, ReasonName(reason), days.Select(day => d.DenialsPerDay
                .Where(x => x.Day == day && x.Reason == reason).Sum(x => x.Count - x.LetInUnderGrace)).ToList()))
            .Where(r => r.Total > 0)
            .ToList();
        return new RefusalChart(days, reasons, d.DenialsPerDay.Sum(x => x.LetInUnderGrace));
    }

    public static string PoolName(string type, string version) => $"{version} {UsageText.Type(type)}";

    public static string ReasonName(string reason) => reason switch
    {
        "no-license" => "No license available (0x102)",
        "host-not-in-security-group" => "Session host not in the security group",
        var other => other,
    };
}
