namespace RdLicensing.Testing;

/// <summary>A directory of its own for one test's files (exports, reports, backups), deleted with the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("rdl-files-").FullName;

    /// <summary>Where a file named <paramref name="name"/> goes in this directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
