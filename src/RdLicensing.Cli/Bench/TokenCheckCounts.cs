using System.Globalization;
using System.Text.RegularExpressions;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// How the server knew the CAL tokens presented to it (its `rdlicensing_cal_token_checks_total` at /metrics): from its cache of
/// tokens seen lately, from the digest their CAL rows record, or by an ECDSA signature check. Read before and after a phase,
/// the difference says what the phase's presents cost the server in signature checks.
/// </summary>
internal sealed partial record TokenCheckCounts(long Cache, long RecordedDigest, long Signature)
{
    public TokenCheckCounts Since(TokenCheckCounts before) => new(Cache - before.Cache, RecordedDigest - before.RecordedDigest, Signature - before.Signature);

    /// <summary>The counts the server reports now; null when its /metrics does not answer this machine (another host's server) or carries none.</summary>
    public static async Task<TokenCheckCounts?> ReadAsync(string serverUrl, CancellationToken ct)
    {
        using var http = SocketErrorsAsHttpErrors.Client(TimeSpan.FromSeconds(10), serverUrl);
        string text;
        try
        {
            text = await http.GetStringAsync("metrics", ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (Match m in Line().Matches(text)) counts[m.Groups[1].Value] = (long)double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return counts.Count == 0 ? null
            : new TokenCheckCounts(counts.GetValueOrDefault("cache"), counts.GetValueOrDefault("recorded-digest"), counts.GetValueOrDefault("signature"));
    }

    [GeneratedRegex("""^rdlicensing_cal_token_checks_total\{by="([a-z-]+)"\} ([0-9.eE+]+)$""", RegexOptions.Multiline)]
    private static partial Regex Line();
}
