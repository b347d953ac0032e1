using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace RdLicensing.LicenseServer.Reports;

/// <summary>
/// Writes CSV rows field by field, as UTF-8, into a gzip member of its own: numbers, times and ids are formatted into one
/// reused buffer, so a report of a million rows makes no string per field. Text a client chose is quoted when it holds
/// a separator, a quote or a line break, and a leading =, +, - or @ gets an apostrophe so a spreadsheet does not run it
/// as a formula. Rows end with the platform's line ending, as the report always wrote them.
/// </summary>
internal sealed class CsvRowWriter : IDisposable, IAsyncDisposable
{
    // Large enough that gzip gets big writes rather than one per row.
    private const int BufferChars = 64 * 1024;

    private static readonly UTF8Encoding Utf8WithoutBom = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\n\r");
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@");

    private readonly TextWriter _output;

    // Room for a long, a Guid ("D": 36) or a time (20).
    private readonly char[] _buffer = new char[40];
    private bool _inRow;

    private CsvRowWriter(TextWriter output) => _output = output;

    /// <summary>
    /// Rows appended to <paramref name="file"/> as one gzip member, complete when this is disposed (the file stays open).
    /// Members appended one after another make one gzip stream of all their rows.
    /// </summary>
    public static CsvRowWriter GzipMember(Stream file) =>
        // Fastest: CSV still shrinks about fivefold, at twice the speed of the default level.
        new(new StreamWriter(new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true), Utf8WithoutBom, BufferChars));

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
        _output.Write(value);
    }

    /// <summary>A value a client or an administrator chose (a name, a hardware id): neutralised and quoted as needed.</summary>
    public void Text(string value)
    {
        Separate();
        var quoted = value.AsSpan().ContainsAny(NeedsQuotes);
        if (quoted) _output.Write('"');
        if (value.Length > 0 && FormulaStarts.Contains(value[0])) _output.Write('\'');
        if (!quoted)
        {
            _output.Write(value);
            return;
        }
        var rest = value.AsSpan();
        for (var quote = rest.IndexOf('"'); quote >= 0; quote = rest.IndexOf('"'))
        {
            _output.Write(rest[..(quote + 1)]);
            _output.Write('"');
            rest = rest[(quote + 1)..];
        }
        _output.Write(rest);
        _output.Write('"');
    }

    public void Number(long value)
    {
        Separate();
        value.TryFormat(_buffer, out var written, default, CultureInfo.InvariantCulture);
        _output.Write(_buffer, 0, written);
    }

    /// <summary>UTC, as yyyy-MM-dd HH:mm:ss: the "u" pattern ("yyyy-MM-dd HH:mm:ssZ", formatted without parsing a pattern) less its Z.</summary>
    public void Time(DateTimeOffset value)
    {
        Separate();
        value.UtcDateTime.TryFormat(_buffer, out var written, "u", CultureInfo.InvariantCulture);
        _output.Write(_buffer, 0, written - 1);
    }

    /// <summary>A key pack id as the API shows it ("D"), or an empty field.</summary>
    public void Id(Guid? value)
    {
        Separate();
        if (value is not { } id) return;
        id.TryFormat(_buffer, out var written, "D");
        _output.Write(_buffer, 0, written);
    }

    public void EndRow()
    {
        _output.WriteLine();
        _inRow = false;
    }

    private void Separate()
    {
        if (_inRow) _output.Write(',');
        _inRow = true;
    }

    public void Dispose() => _output.Dispose();

    public ValueTask DisposeAsync() => _output.DisposeAsync();
}
