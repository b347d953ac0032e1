using System.Buffers;
using System.Globalization;

namespace RdLicensing.LicenseServer.Reports;

/// <summary>
/// Writes CSV rows field by field straight to a <see cref="TextWriter"/>: numbers, times and ids are formatted into one
/// reused buffer, so a report of a million rows makes no string per field. Text a client chose is quoted when it holds a
/// separator, a quote or a line break, and a leading =, +, - or @ gets an apostrophe so a spreadsheet does not run it
/// as a formula. Rows end with the writer's line ending.
/// </summary>
internal sealed class CsvRowWriter(TextWriter output)
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\n\r");
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@");

    // Room for a long, a Guid ("D": 36) or a time (20).
    private readonly char[] _buffer = new char[40];
    private bool _inRow;

    /// <summary>A whole row of values this server chose, such as column names.</summary>
    public void Row(params ReadOnlySpan<string> values)
    {
        foreach (var value in values) Plain(value);
        EndRow();
    }

    /// <summary>A value this server chose (a display name, yes/no): written as it is.</summary>
    public void Plain(string value)
    {
        Separate();
        output.Write(value);
    }

    /// <summary>A value a client or an administrator chose (a name, a hardware id): neutralised and quoted as needed.</summary>
    public void Text(string value)
    {
        Separate();
        var quoted = value.AsSpan().ContainsAny(NeedsQuotes);
        if (quoted) output.Write('"');
        if (value.Length > 0 && FormulaStarts.Contains(value[0])) output.Write('\'');
        if (!quoted)
        {
            output.Write(value);
            return;
        }
        var rest = value.AsSpan();
        for (var quote = rest.IndexOf('"'); quote >= 0; quote = rest.IndexOf('"'))
        {
            output.Write(rest[..(quote + 1)]);
            output.Write('"');
            rest = rest[(quote + 1)..];
        }
        output.Write(rest);
        output.Write('"');
    }

    public void Number(long value)
    {
        Separate();
        value.TryFormat(_buffer, out var written, default, CultureInfo.InvariantCulture);
        output.Write(_buffer, 0, written);
    }

    /// <summary>UTC, as yyyy-MM-dd HH:mm:ss: the "u" pattern ("yyyy-MM-dd HH:mm:ssZ", formatted without parsing a pattern) less its Z.</summary>
    public void Time(DateTimeOffset value)
    {
        Separate();
        value.UtcDateTime.TryFormat(_buffer, out var written, "u", CultureInfo.InvariantCulture);
        output.Write(_buffer, 0, written - 1);
    }

    /// <summary>A key pack id as the API shows it ("D"), or an empty field.</summary>
    public void Id(Guid? value)
    {
        Separate();
        if (value is not { } id) return;
        id.TryFormat(_buffer, out var written, "D");
        output.Write(_buffer, 0, written);
    }

    public void EndRow()
    {
        output.WriteLine();
        _inRow = false;
    }

    private void Separate()
    {
        if (_inRow) output.Write(',');
        _inRow = true;
    }
}
