using System.Globalization;

namespace RdLicensing.Storage;

// Periodic jobs on several nodes: each run is claimed in a write transaction, so one node runs it, not every node.
public sealed partial class LicenseWriteSession
{
    /// <summary>
    /// Claims <paramref name="job"/> for <paramref name="node"/> until <paramref name="now"/> + <paramref name="lease"/>, unless another
    /// node holds a claim that has not run out. The holder renews its claim on each run; when it stops, another node takes
    /// the job over once the claim runs out.
    /// </summary>
    public async Task<bool> TryClaimJobAsync(string job, string node, DateTimeOffset now, TimeSpan lease)
    {
        var key = "job-lease:" + job;
        if (await SettingAsync(key) is { } held && held.Split('|') is [var holder, var until]
            && holder != node && long.TryParse(until, NumberStyles.Integer, CultureInfo.InvariantCulture, out var untilMs) && untilMs > Times.ToDb(now))
            return false;
        await SetSettingAsync(key, node + "|" + Times.ToDb(now + lease).ToString(CultureInfo.InvariantCulture));
        return true;
    }
}
