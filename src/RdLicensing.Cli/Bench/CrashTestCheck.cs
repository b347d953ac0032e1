using RdLicensing.Cli.Client;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Bench;

/// <summary>What a check after a restart found.</summary>
/// <param name="Verifier">`rdlic bench verify`'s line on the database and the record.</param>
/// <param name="Disagreements">Key packs whose issued count, as the restarted server shows it, differs from the CALs holding their licenses.</param>
/// <param name="AcknowledgedCals">Distinct CALs in the record so far.</param>
/// <param name="Pools">The pools as the server shows them ("Per Device 30 of 30 issued, …"), when it was asked.</param>
internal sealed record CrashCheck(bool VerifierBreached, string Verifier, IReadOnlyList<string> Disagreements, int AcknowledgedCals, string? Pools)
{
    public bool Breached => VerifierBreached || Disagreements.Count > 0;

    /// <summary>The breach in one line, or null.</summary>
    public string? Breach
    {
        get
        {
            const string verifierPrefix = "BREACH: ";
            var parts = new List<string>();
            if (VerifierBreached) parts.Add((Verifier.StartsWith(verifierPrefix, StringComparison.Ordinal) ? Verifier[verifierPrefix.Length..] : Verifier).TrimEnd('.'));
            if (Disagreements.Count > 0) parts.Add($"the server's own view disagrees with the database: {string.Join(", ", Disagreements)}");
            return parts.Count == 0 ? null : string.Join("; ", parts);
        }
    }
}

/// <summary>
/// The crash test's check, run while no load runs: the verifier on the database with the record (every acknowledged CAL
/// there and its owner's, no device with two live licenses of one version, each pack's issued count equal to the CALs
/// holding its licenses) — and, while the restarted server runs, that its own view agrees: GET /api/admin/keypacks
/// answers, per pack, the issued count the rows give. A server that kept a count in memory, or read a torn one,
/// would show it here.
/// </summary>
internal static class CrashTestCheck
{
    /// <param name="admin">The running server's administrator client; null once it is stopped (the database alone is checked).</param>
    public static async Task<CrashCheck> RunAsync(LicenseServerClient? admin, BenchDatabase databases, string record, CancellationToken ct)
    {
        var serverView = admin is null ? null : (await admin.KeyPacksAsync(ct)).Value;
        await using var handle = databases.OpenServerStore();
        var verdict = await BenchVerifier.VerifyAsync(handle.Store, record, ct);
        var held = await handle.Store.LicensesHeldPerPackAsync(ct);
        var acknowledged = AcknowledgedCalLog.Read(record).Select(r => r.CalId).Distinct().Count();
        return new CrashCheck(verdict.Breached, verdict.Line, serverView is null ? [] : Disagreements(serverView, held), acknowledged,
            serverView is null ? null : CrashTestLicenses.Describe(serverView));
    }

    private static List<string> Disagreements(IReadOnlyList<KeyPackView> serverView, IReadOnlyDictionary<Guid, int> held)
    {
        var found = serverView.Where(p => p.Issued != held.GetValueOrDefault(p.Id))
            .Select(p => $"pack {p.Id} shows {p.Issued} issued, {held.GetValueOrDefault(p.Id)} CALs hold its licenses").ToList();
        found.AddRange(held.Keys.Where(id => serverView.All(p => p.Id != id)).Select(id => $"the server does not show pack {id}, which {held[id]} CALs hold licenses of"));
        return found;
    }
}
