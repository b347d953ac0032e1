using System.Text.Json;

namespace RdLicensing.ServiceDefaults;

/// <summary>
/// The one set of JSON settings every RdLicensing client and service uses for what it sends, receives and stores: the
/// web defaults (camelCase names, case-insensitive reading, numbers also read from strings), enums as numbers, nothing else.
/// The services' own HTTP JSON (ASP.NET's <c>JsonOptions</c>) is these same web defaults plus a request depth limit
/// (<see cref="ProblemDetailsDefaults"/>), so a value goes out byte for byte as it does from a client.
/// Both instances are read-only: a caller cannot change them for everyone by accident.
/// </summary>
public static class WireJson
{
    /// <summary>For the wire and for settings kept in a database: compact.</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>For files a person may open (the CLI's own settings, a new key's proof): the same names, indented.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = indented };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
