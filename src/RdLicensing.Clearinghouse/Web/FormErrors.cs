namespace RdLicensing.Clearinghouse.Web;

/// <summary>Error messages of a submitted form by field name; "" is the form as a whole.</summary>
public sealed class FormErrors
{
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string? field, string message) => _errors[field ?? ""] = message;

    /// <summary>The error of a field, or null.</summary>
    public string? For(string field) => _errors.GetValueOrDefault(field);

    /// <summary>The errors of fields this form does not show (and of the form as a whole): shown above the form.</summary>
    public IEnumerable<string> General(IEnumerable<string> shownFields)
    {
        var shown = shownFields.ToHashSet(StringComparer.Ordinal);
        return _errors.Where(e => !shown.Contains(e.Key)).Select(e => e.Value);
    }
}
