namespace RdLicensing.SessionHost.Configuration;

/// <summary>License server addresses as the host stores and compares them: absolute http(s) URLs without a trailing slash.</summary>
public static class LicenseServerUrls
{
    public const int MaxCount = 16;

    public static bool TryNormalize(string? text, out string url, out string error)
    {
        url = "";
        error = "";
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length is 0 or > 2000 || !Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            error = $"'{text}' is not a license server URL like http://127.0.0.1:5080";
            return false;
        }
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            error = $"'{text}' must be a plain license server URL (no query, fragment or user name)";
            return false;
        }
        url = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return true;
    }

    /// <summary>Normalises every URL and drops repeats, keeping the order; null and an error when one is not a URL.</summary>
    public static IReadOnlyList<string>? TryNormalizeAll(IEnumerable<string?> texts, out string error)
    {
        var result = new List<string>();
        error = "";
        foreach (var text in texts)
        {
            if (!TryNormalize(text, out var url, out error)) return null;
            if (!result.Contains(url, StringComparer.OrdinalIgnoreCase)) result.Add(url);
        }
        if (result.Count > MaxCount)
        {
            error = $"at most {MaxCount} license servers can be configured";
            return null;
        }
        return result;
    }
}
