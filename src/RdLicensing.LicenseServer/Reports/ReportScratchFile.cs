namespace RdLicensing.LicenseServer.Reports;

/// <summary>
/// Where a report is put together before it goes into the database: a file in the server's data directory rather than
/// memory, so a report of any size costs the server's memory nothing. Owner-only (a report names every user and device)
/// and deleted when closed; should the process die first, the name says what the file was.
/// </summary>
internal static class ReportScratchFile
{
    public static FileStream Create(string dataDirectory)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, Options = FileOptions.DeleteOnClose };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(Path.Combine(dataDirectory, $"report-{Guid.NewGuid():N}.csv.gz.partial"), options);
    }
}
