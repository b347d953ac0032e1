using System.Data.Common;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// The CAL Usage report is written as a stream into gzip and read back as one: what a download gives must be exactly what
/// the database holds, row for row and byte for byte, and reports saved as text before still download.
/// </summary>
public sealed class StreamedReportTests
{
    private const string CalsHeading =
        "CAL Id,CAL Type,Product Version,Status,Issued To User,Issued To Computer,Hardware Id,Session Host,Issue Date,Expiration Date,OverUsed,Key Pack Id";

    [Fact]
    public async Task A_report_over_thousands_of_cals_downloads_every_live_cal_byte_for_byte_as_the_database_has_it()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var devices = await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 3_000);
        var users = await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 1_000);
        var now = (await server.Admin.GetFromJsonAsync<ClockView>("/api/admin/clock"))!.Now;
        await server.Store.SeedCalsAsync(Cals(now, devices.Id, users.Id, 4_000));

        var created = await server.Admin.PostAsJsonAsync("/api/admin/reports", new ReportCreateBody("cal-usage"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var report = (await created.Content.ReadFromJsonAsync<ReportView>())!;
        var response = await server.Admin.GetAsync($"/api/admin/reports/{report.Id}/csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"cal-usage-{report.Id}.csv", response.Content.Headers.ContentDisposition?.FileName);
        var downloaded = await response.Content.ReadAsByteArrayAsync();

        // What the rows say, read back through the store's other (buffered) path and written as the report always wrote them.
        var live = await server.Store.LiveCalsAsync();
        Assert.InRange(live.Count, 3_000, 4_000); // the revoked tenth is left out
        var expected = Encoding.UTF8.GetBytes(string.Concat(new[] { CalsHeading }.Concat(live.Select(ExpectedRow)).Select(l => l + Environment.NewLine)));
        var heading = IndexOf(downloaded, Encoding.UTF8.GetBytes(CalsHeading));
        Assert.True(heading > 0, "the CAL table's heading is in the download");
        Assert.Equal(expected, downloaded[heading..]);
        Assert.StartsWith("Report,CAL Usage" + Environment.NewLine, Encoding.UTF8.GetString(downloaded));
        Assert.Contains($"RDS Per Device CAL,Windows Server 2022,3000,", Encoding.UTF8.GetString(downloaded));

        // Stored compressed, the text column left empty.
        var (text, gzipBytes) = await StoredAsync(server.Store, report.Id);
        Assert.Equal("", text);
        Assert.InRange(gzipBytes, 1, downloaded.Length / 3);

        // The console passes the same bytes on.
        using var console = new ConsoleSession(server.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await console.SignInAsync(server.AdminToken)).StatusCode);
        var viaConsole = await console.Http.GetAsync($"/console/reports/{report.Id}/csv");
        Assert.Equal(HttpStatusCode.OK, viaConsole.StatusCode);
        Assert.Equal("text/csv", viaConsole.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"cal-usage-{report.Id}.csv", viaConsole.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(downloaded, await viaConsole.Content.ReadAsByteArrayAsync());
        Assert.Equal(Encoding.UTF8.GetString(downloaded), await server.Store.ReportCsvAsync(report.Id));
    }

    [Fact]
    public async Task A_report_saved_as_text_before_compression_still_downloads_through_the_api_and_the_console()
    {
        await using var server = await TestLicenseServer.StartAsync();
        // Long enough to cross the copy's buffers, with characters of two, three and four bytes in UTF-8 all the way.
        var csv = "Report,CAL Usage\n" + string.Concat(Enumerable.Range(0, 3_000).Select(i => $"{i},Zoë,用户-{i},😀\n"));
        var id = "0123456789ab";
        await using (var connection = await server.Store.Dialect.OpenAsync(CancellationToken.None))
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO reports (id, type, created_at, scope, summary, csv) VALUES (@id, 'cal-usage', @at, 'License server', 'saved as text', @csv)";
            Add(insert, "@id", id);
            Add(insert, "@at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            Add(insert, "@csv", csv);
            await insert.ExecuteNonQueryAsync();
        }

        var response = await server.Admin.GetAsync($"/api/admin/reports/{id}/csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"cal-usage-{id}.csv", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(Encoding.UTF8.GetBytes(csv), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(csv, await server.Store.ReportCsvAsync(id));

        using var console = new ConsoleSession(server.BaseAddress);
        await console.SignInAsync(server.AdminToken);
        Assert.Equal(Encoding.UTF8.GetBytes(csv), await console.Http.GetByteArrayAsync($"/console/reports/{id}/csv"));

        Assert.Equal(HttpStatusCode.NoContent, (await server.Admin.DeleteAsync($"/api/admin/reports/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Admin.GetAsync($"/api/admin/reports/{id}/csv")).StatusCode);
        var gone = await console.Http.GetAsync($"/console/reports/{id}/csv");
        Assert.Equal(HttpStatusCode.Redirect, gone.StatusCode);
        Assert.Equal($"/console/reports?missing={id}", gone.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_csv_saved_as_several_gzip_members_downloads_as_their_concatenation()
    {
        await using var server = await TestLicenseServer.StartAsync();
        string[] parts = ["Report,CAL Usage\n", "1,first part\n", "", "2,third part, after an empty one\n"];
        using var csvGzip = new MemoryStream();
        foreach (var part in parts)
        {
            await using var member = new GZipStream(csvGzip, CompressionLevel.Fastest, leaveOpen: true);
            await member.WriteAsync(Encoding.UTF8.GetBytes(part));
        }
        csvGzip.Position = 0;
        var report = new ReportRecord("abcdef012345", "cal-usage", DateTimeOffset.UtcNow, "License server", "members");
        await server.Store.WriteAsync(s => s.SaveReportAsync(report, csvGzip));

        var response = await server.Admin.GetAsync($"/api/admin/reports/{report.Id}/csv");
        Assert.Equal(Encoding.UTF8.GetBytes(string.Concat(parts)), await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>
    /// Permanent Per Device CALs holding licenses, temporary ones, Per User CALs (some OverUsed) and a revoked tenth; names
    /// that need quoting, a formula's first character, line breaks and characters beyond ASCII.
    /// </summary>
    private static IEnumerable<IssuedCal> Cals(DateTimeOffset now, Guid devicePack, Guid userPack, int count)
    {
        string[] names = ["PC-{0}", "desk,{0}", "say \"{0}\"", "=HYPERLINK({0})", "-{0}", "@{0}", "line\n{0}", "Zoë-{0}", "用户{0}", "+{0}\r"];
        var usersHeld = 0;
        for (var i = 0; i < count; i++)
        {
            var name = string.Format(CultureInfo.InvariantCulture, names[i % names.Length], i);
            var issued = now.AddDays(-(i % 80)).AddSeconds(-i);
            var cal = new IssuedCal
            {
                Type = CalType.PerDevice, Status = CalStatus.Active, Version = ProductVersion.WindowsServer2022,
                HardwareId = $"hw-{i:x6}", ClientName = name, HostName = i % 3 == 0 ? "rdsh-01" : "rdsh,02",
                IssuedAt = issued, ExpiresAt = issued.AddDays(120),
            };
            if (i % 10 == 9)
                yield return cal with { Status = CalStatus.Revoked, RevokedAt = issued.AddDays(1) };
            else if (i % 10 == 8)
                yield return cal with { Status = CalStatus.Temporary, IsTemporary = true, ExpiresAt = issued.AddDays(90 + 30) };
            else if (i % 10 == 7)
                yield return usersHeld < 300
                    ? cal with { Type = CalType.PerUser, UserName = $@"CONTOSO\{name}", HardwareId = null, KeyPackId = userPack, HoldsSlot = true, Validated = (++usersHeld & 1) == 0 }
                    : cal with { Type = CalType.PerUser, UserName = $@"CONTOSO\{name}", HardwareId = null, OverUsed = true };
            else
                yield return cal with { KeyPackId = devicePack, HoldsSlot = true, Validated = true };
        }
    }

    /// <summary>A CAL's row as the report wrote it while it built the whole CSV as one string.</summary>
    private static string ExpectedRow(IssuedCal cal) => string.Join(',', cal.Id.ToString(CultureInfo.InvariantCulture), cal.Type.ToDisplayName(),
        cal.Version.ToDisplayName(), cal.Status.ToShortName(), Field(cal.UserName ?? ""), Field(cal.ClientName), Field(cal.HardwareId ?? ""),
        Field(cal.HostName), Time(cal.IssuedAt), Time(cal.ExpiresAt), cal.OverUsed ? "yes" : "no", cal.KeyPackId?.ToString("D") ?? "");

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Field(string value)
    {
        if (value.Length > 0 && "=+-@".Contains(value[0])) value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    private static async Task<(string Text, long GzipBytes)> StoredAsync(LicenseStore store, string id)
    {
        await using var connection = await store.Dialect.OpenAsync(CancellationToken.None);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT csv, LENGTH(csv_gzip) FROM reports WHERE id = @id";
        Add(select, "@id", id);
        await using var reader = await select.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
