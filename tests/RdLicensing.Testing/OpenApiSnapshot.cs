using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace RdLicensing.Testing;

/// <summary>
/// Compares a service's OpenAPI document with its checked-in copy under docs/openapi, so that every change of the API
/// contract is deliberate. To accept a change, run the test again with RDLIC_UPDATE_OPENAPI=1: it rewrites the copy.
/// </summary>
public static class OpenApiSnapshot
{
    public const string UpdateVariable = "RDLIC_UPDATE_OPENAPI";

    public static async Task AssertMatchesAsync(HttpClient client, string name, string testProject)
    {
        var live = Normalise(await client.GetStringAsync("/openapi/v1.json"));
        var path = Path.Combine(RepositoryRoot(), "docs", "openapi", name + ".json");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, live);
            return;
        }
        var refresh = $"{UpdateVariable}=1 dotnet test tests/{testProject}/{testProject}.csproj -c Release --filter \"FullyQualifiedName~OpenApiContract\"";
        if (!File.Exists(path))
            Assert.Fail($"docs/openapi/{name}.json is missing: create it with: {refresh}");
        var recorded = await File.ReadAllTextAsync(path);
        if (recorded == live) return;
        var a = recorded.Split('\n');
        var b = live.Split('\n');
        var line = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
        Assert.Fail(
            $"The {name} OpenAPI document differs from docs/openapi/{name}.json at line {line + 1}:\n" +
            $"  checked in: {(line < a.Length ? a[line].Trim() : "(end)")}\n  now:        {(line < b.Length ? b[line].Trim() : "(end)")}\n" +
            $"If the API change is deliberate, refresh the copy with: {refresh} (and commit it).");
    }

    /// <summary>The document without what changes from run to run (the servers' addresses), indented, with \n line ends.</summary>
    private static string Normalise(string json)
    {
        var document = JsonNode.Parse(json)!.AsObject();
        document.Remove("servers");
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "RdLicensing.slnx"))) return directory.FullName;
        throw new InvalidOperationException("RdLicensing.slnx not found above " + AppContext.BaseDirectory);
    }
}
