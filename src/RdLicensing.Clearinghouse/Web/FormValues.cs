namespace RdLicensing.Clearinghouse.Web;

/// <summary>Reads a form's values (posted, or given in the query string) into a name → value lookup.</summary>
public static class FormValues
{
    public static readonly Func<string, string?> Empty = _ => null;

    /// <summary>
    /// Values given in the query string (/activate?requestCode=…), so a license server or a mail can link to a
    /// form with what it already knows filled in.
    /// </summary>
    public static Func<string, string?> Query(HttpRequest request) =>
        name => request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>
    /// The posted form's values. The Razor component endpoint has read the form (and checked its antiforgery token)
    /// before a form handler runs, so this never blocks.
    /// </summary>
    public static Func<string, string?> Posted(HttpRequest request)
    {
        if (!request.HasFormContentType) return Empty;
        var form = request.Form;
        return name => form.TryGetValue(name, out var v) ? v.ToString() : null;
    }
}
