namespace RdLicensing.Cli;

/// <summary>"Did you mean …": the closest known name to a mistyped one, by edit distance, when it is close enough.</summary>
internal static class Suggestions
{
    /// <summary>The candidate nearest to <paramref name="typed"/> (case-insensitive), if at most a third of its letters (at least 1, at most 3) differ.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        var text = typed.Trim().ToLowerInvariant();
        if (text.Length == 0) return null;
        var limit = Math.Clamp(text.Length / 3, 1, 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(text, candidate.ToLowerInvariant());
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        // A prefix typed short ("licen" for "licenses") is as good a guess as a typo.
        if (bestDistance > limit && candidates.FirstOrDefault(c => text.Length >= 3 && c.StartsWith(text, StringComparison.OrdinalIgnoreCase)) is { } prefixed)
            return prefixed;
        return bestDistance <= limit ? best : null;
    }

    /// <summary>" (did you mean 'X'?)" or nothing.</summary>
    public static string DidYouMean(string typed, IEnumerable<string> candidates) =>
        Closest(typed, candidates) is { } best ? $"; did you mean '{best}'?" : "";

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
