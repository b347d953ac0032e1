namespace RdLicensing.Clearinghouse.Web;

/// <summary>Reads a posted HTML form (application/x-www-form-urlencoded or multipart) into a name → value lookup.</summary>
public static class FormValues
{
    public static readonly Func<string, string?> Empty = _ => null;

    /// <summary>
    /// Values given in the query string (/activate?productId=…), so a license server or a mail can link to a
    /// form with what it already knows filled in.
    /// </summary>
    public static Func<string, string?> Query(HttpRequest request) =>
        name => request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>The form's values, or null when the request carries no form.</summary>
    public static async Task<Func<string, string?>?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType) return null;
        var form = await request.ReadFormAsync(cancellationToken);
        return name => form.TryGetValue(name, out var v) ? v.ToString() : null;
    }
}
