using System.Data.Common;
using System.IO.Compression;
using System.Text;

namespace RdLicensing.Storage;

/// <summary>
/// A saved report's CSV, open on its row (<see cref="LicenseStore.OpenReportCsvAsync"/>): copying it decompresses the
/// stored gzip from the database to the destination a buffer at a time, never the whole CSV in memory. Reports saved
/// before csv_gzip existed have their CSV as text, copied as the UTF-8 it was always served as.
/// </summary>
public sealed class StoredReportCsv : IAsyncDisposable
{
    // Columns of the query that opens it, read in this order (PostgreSQL's sequential access only goes forwards).
    private const int GzipColumn = 0;
    private const int TextColumn = 1;

    private const int TextBufferChars = 16 * 1024;

    private static readonly UTF8Encoding Utf8WithoutBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly DbConnection _connection;
    private readonly DbCommand _command;
    private readonly DbDataReader _reader;

    internal StoredReportCsv(DbConnection connection, DbCommand command, DbDataReader reader)
    {
        _connection = connection;
        _command = command;
        _reader = reader;
    }

    public async Task CopyToAsync(Stream destination, CancellationToken cancellationToken)
    {
        if (!await _reader.IsDBNullAsync(GzipColumn, cancellationToken))
        {
            await using var compressed = _reader.GetStream(GzipColumn);
            await using var csv = new GZipStream(compressed, CompressionMode.Decompress);
            await csv.CopyToAsync(destination, cancellationToken);
            return;
        }
        using var text = _reader.GetTextReader(TextColumn);
        await using var utf8 = new StreamWriter(destination, Utf8WithoutBom, TextBufferChars, leaveOpen: true);
        var buffer = new char[TextBufferChars];
        int read;
        while ((read = await text.ReadAsync(buffer, cancellationToken)) > 0) await utf8.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _command.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
