using System.Globalization;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Tests.Fuzz;

/// <summary>
/// Every row of the licensing state, as text, in a stable order: key packs (with their issued counts), issued CALs,
/// settings (identity, activation, policies, properties, clock), session hosts, administrator credentials, reports and
/// the dashboard's pool levels. The event log is left out: refusals may rightly add audit events; so is when a host last
/// fetched the revocation list (any fetch, however its query is mangled, is a sync the server records), and the periodic
/// jobs' leases (settings named job-lease:…, which a node claims on a shared database whenever a job falls due) and the
/// alerts raised (setting alerts.active, which follows the state whenever the alerts are evaluated).
/// </summary>
internal static class LicensingFingerprint
{
    private static readonly string[] Tables = ["key_packs", "issued_cals", "settings", "session_hosts", "admin_credentials", "reports", "pool_levels"];

    private static readonly HashSet<string> AuditColumns = ["revocations_synced_at", "revocation_list_number"];

    public static async Task<IReadOnlyList<string>> OfAsync(LicenseStore store)
    {
        var lines = new List<string>();
        await using var connection = await store.Dialect.OpenAsync(CancellationToken.None);
        foreach (var table in Tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                if (table == "settings" && Convert.ToString(reader["name"], CultureInfo.InvariantCulture) is { } name
                    && (name.StartsWith("job-lease:", StringComparison.Ordinal) || name == "alerts.active")) continue; // the alerts raised follow the state, evaluated by GET /api/admin/alerts
                rows.Add(table + ": " + string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Where(i => !AuditColumns.Contains(reader.GetName(i)))
                    .Select(i => reader.GetName(i) + "=" + Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
            }
            rows.Sort(StringComparer.Ordinal);
            lines.Add($"{table}: {rows.Count} row(s)");
            lines.AddRange(rows);
        }
        return lines;
    }

    /// <summary>The lines only one side has, for a readable failure.</summary>
    public static string Difference(IReadOnlyList<string> before, IReadOnlyList<string> after) =>
        string.Join('\n', before.Except(after).Select(l => "- " + l).Concat(after.Except(before).Select(l => "+ " + l)).Take(40));
}
