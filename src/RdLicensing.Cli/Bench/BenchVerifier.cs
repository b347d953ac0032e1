using System.Globalization;
using RdLicensing.Storage;

namespace RdLicensing.Cli.Bench;

/// <summary>The verdict of `rdlic bench verify`: one line, and whether any invariant was breached.</summary>
internal sealed record Verdict(bool Breached, string Line);

/// <summary>
/// `rdlic bench verify`: what must hold in a license server's database whatever happened to the server (a kill -9 under
/// load included): every CAL it acknowledged (a --record file) exists and belongs to whom it was given; no device holds
/// two live licenses of one version; every key pack's issued count equals the CALs holding one of its licenses, and
/// never exceeds its total. Reads only.
/// </summary>
internal static class BenchVerifier
{
    private const int ExamplesShown = 3;

    public static async Task<Verdict> VerifyAsync(LicenseStore store, string? recordPath, CancellationToken ct)
    {
        var breaches = new List<string>();
        var facts = new List<string>();

        if (recordPath is not null)
        {
            var recorded = AcknowledgedCalLog.Read(recordPath);
            var owners = (await store.CalOwnersAsync(recorded.Select(r => r.CalId).ToList(), ct)).ToDictionary(o => o.Id);
            var missing = recorded.Select(r => r.CalId).Distinct().Where(id => !owners.ContainsKey(id)).ToList();
            var misowned = recorded.Where(r => owners.TryGetValue(r.CalId, out var owner) && !BelongsTo(owner, r)).Select(r => r.CalId).Distinct().ToList();
            if (missing.Count > 0) breaches.Add($"{missing.Count:N0} acknowledged CAL(s) missing (ids {Examples(missing)})");
            if (misowned.Count > 0) breaches.Add($"{misowned.Count:N0} acknowledged CAL(s) belong to another device or user (ids {Examples(misowned)})");
            facts.Add($"{recorded.Count:N0} acknowledged CAL lines ({owners.Count:N0} distinct CALs) found with their owners");
        }

        var doubled = await store.HoldersOfTwoCalsAsync(ct);
        if (doubled.Count > 0)
            breaches.Add($"{doubled.Count:N0} device(s) or user(s) hold two live CALs of one version (e.g. {string.Join(", ", doubled.Take(ExamplesShown).Select(d => $"{d.Holder} {d.Cals}×"))})");
        else facts.Add("no device or user holds two live CALs of one version");

        var packs = await store.KeyPacksAsync(ct);
        var held = await store.LicensesHeldPerPackAsync(ct);
        var packBreaches = new List<string>();
        foreach (var pack in packs)
        {
            var holding = held.GetValueOrDefault(pack.Id);
            if (pack.Issued != holding) packBreaches.Add($"pack {pack.Id} issued {pack.Issued} but {holding} CALs hold its licenses");
            if (pack.Issued > pack.Total) packBreaches.Add($"pack {pack.Id} issued {pack.Issued} of only {pack.Total}");
        }
        foreach (var orphan in held.Keys.Where(id => packs.All(p => p.Id != id)))
            packBreaches.Add($"{held[orphan]} CALs hold licenses of a pack {orphan} that does not exist");
        if (packBreaches.Count > 0) breaches.Add(string.Join("; ", packBreaches.Take(ExamplesShown)) + (packBreaches.Count > ExamplesShown ? $" (and {packBreaches.Count - ExamplesShown} more)" : ""));
        else facts.Add($"{packs.Count} key pack(s): issued = CALs holding a license, issued ≤ total");

        return breaches.Count > 0
            ? new Verdict(true, "BREACH: " + string.Join("; ", breaches) + ".")
            : new Verdict(false, "OK: " + string.Join("; ", facts) + ".");
    }

    private static bool BelongsTo(CalOwner owner, RecordedCal recorded) => recorded.OwnerKind == "user"
        ? string.Equals(owner.UserName, recorded.Owner, StringComparison.OrdinalIgnoreCase)
        : string.Equals(owner.HardwareId, recorded.Owner, StringComparison.Ordinal);

    private static string Examples(List<long> ids) =>
        string.Join(", ", ids.Take(ExamplesShown).Select(id => id.ToString(CultureInfo.InvariantCulture))) + (ids.Count > ExamplesShown ? ", …" : "");
}
