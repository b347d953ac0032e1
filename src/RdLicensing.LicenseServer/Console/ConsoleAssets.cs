using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace RdLicensing.LicenseServer.Console;

/// <summary>
/// The console's embedded assets (stylesheet, scripts), read once: each with a version (a hash of its content) that pages put in
/// the address, so a browser keeps it a year without asking again, and gzip and Brotli copies for browsers that take them.
/// </summary>
public static class ConsoleAssets
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    private sealed record Asset(string ContentType, string Version, byte[] Plain, byte[] Gzip, byte[] Brotli);

    private static readonly Lazy<FrozenDictionary<string, Asset>> All = new(Load);

    /// <summary>The address a page links to: /console/assets/NAME?v=VERSION.</summary>
    public static string Url(string name) => $"/console/assets/{name}?v={All.Value[name].Version}";

    public static void Map(WebApplication app) =>
        app.MapGet("/console/assets/{name}", Serve).AllowAnonymous().ExcludeFromDescription();

    private static IResult Serve(string name, string? v, HttpContext context)
    {
        if (!All.Value.TryGetValue(name, out var asset)) return Results.NotFound();
        var response = context.Response;
        var etag = $"\"{asset.Version}\"";
        response.Headers.ETag = etag;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        // The versioned address never changes content: cached for a year. Another address (an old page, a hand-typed one) revalidates.
        response.Headers.CacheControl = v == asset.Version ? "public, max-age=31536000, immutable" : "no-cache";
        if (context.Request.Headers.IfNoneMatch.Any(value => value is not null && value.Split(',').Any(tag => tag.Trim() == etag)))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        var accepted = context.Request.Headers.AcceptEncoding.ToString();
        var body = asset.Plain;
        if (Accepts(accepted, "br")) { body = asset.Brotli; response.Headers.ContentEncoding = "br"; }
        else if (Accepts(accepted, "gzip")) { body = asset.Gzip; response.Headers.ContentEncoding = "gzip"; }
        return Results.Bytes(body, asset.ContentType);
    }

    private static bool Accepts(string header, string coding) =>
        header.Split(',').Select(part => part.Split(';')).Any(p => p[0].Trim().Equals(coding, StringComparison.OrdinalIgnoreCase)
            && !(p.Length > 1 && p[1].Replace(" ", "", StringComparison.Ordinal).Equals("q=0", StringComparison.OrdinalIgnoreCase)));

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("console/", StringComparison.Ordinal)))
        {
            var name = resource["console/".Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var type)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var plain = copy.ToArray();
            var version = Convert.ToHexStringLower(SHA256.HashData(plain))[..16];
            assets[name] = new Asset(type, version, plain, Compress(plain, s => new GZipStream(s, CompressionLevel.SmallestSize, leaveOpen: true)),
                Compress(plain, s => new BrotliStream(s, CompressionLevel.SmallestSize, leaveOpen: true)));
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static byte[] Compress(byte[] plain, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var compressing = compressor(output)) compressing.Write(plain);
        return output.ToArray();
    }
}
