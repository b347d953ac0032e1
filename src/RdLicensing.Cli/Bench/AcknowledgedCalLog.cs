using System.Globalization;

namespace RdLicensing.Cli.Bench;

/// <summary>One line of a --record file: a CAL the server said it issued or holds, and for whom.</summary>
/// <param name="OwnerKind">"device" or "user".</param>
internal sealed record RecordedCal(long CalId, string OwnerKind, string Owner, string Outcome);

/// <summary>
/// `--record FILE`: every CAL the server acknowledged (an answer that carried a CAL), one tab-separated line each —
/// cal id, device|user, hardware id or user name, outcome — appended and flushed to the operating system at once, so
/// when the server is killed mid-run the file already names every CAL it had confirmed, for `rdlic bench verify`.
/// </summary>
internal sealed class AcknowledgedCalLog : IDisposable
{
    private const string Header = "# rdlic bench licensing: CALs the license server acknowledged (cal id, device|user, hardware id or user name, outcome)";

    private readonly StreamWriter _writer;
    private long _lines;

    public AcknowledgedCalLog(string path)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1);
            _writer = new StreamWriter(stream) { NewLine = "\n" };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot open the --record file '{path}': {e.Message}");
        }
        Path = System.IO.Path.GetFullPath(path);
        lock (_writer)
        {
            _writer.WriteLine(Header);
            _writer.Flush();
        }
    }

    public string Path { get; }

    public long Lines => Interlocked.Read(ref _lines);

    public void Write(long calId, string ownerKind, string owner, string outcome)
    {
        lock (_writer)
        {
            _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{calId}\t{ownerKind}\t{owner}\t{outcome}"));
            _writer.Flush();
        }
        Interlocked.Increment(ref _lines);
    }

    public void Dispose()
    {
        lock (_writer) _writer.Dispose();
    }

    /// <summary>The recorded CALs; comment lines and a torn last line (the writer was killed mid-line) are skipped.</summary>
    public static List<RecordedCal> Read(string path)
    {
        var recorded = new List<RecordedCal>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split('\t');
            if (fields.Length == 4 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                recorded.Add(new RecordedCal(id, fields[1], fields[2], fields[3]));
        }
        return recorded;
    }
}
