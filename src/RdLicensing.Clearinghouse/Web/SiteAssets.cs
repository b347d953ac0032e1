using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// The web site's stylesheets, embedded: the Licensing Manager console's (shared, so both look alike) and the site's own layout.
/// Each is linked by a version (a hash of its content): that address is cached a year, any other revalidates by ETag.
/// </summary>
public static class SiteAssets
{
    private sealed record Asset(string Version, byte[] Content);

    private static readonly Lazy<FrozenDictionary<string, Asset>> All = new(Load);

    /// <summary>The address a page links to: /assets/NAME?v=VERSION.</summary>
    public static string Url(string name) => $"/assets/{name}?v={All.Value[name].Version}";

    public static void Map(WebApplication app) => app.MapGet("/assets/{name}", Serve).AllowAnonymous().ExcludeFromDescription();

    private static IResult Serve(string name, string? v, HttpContext context)
    {
        if (!All.Value.TryGetValue(name, out var asset)) return Results.NotFound();
        var etag = $"\"{asset.Version}\"";
        context.Response.Headers.ETag = etag;
        context.Response.Headers.CacheControl = v == asset.Version ? "public, max-age=31536000, immutable" : "no-cache";
        if (context.Request.Headers.IfNoneMatch.Any(value => value is not null && value.Split(',').Any(tag => tag.Trim() == etag)))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Content, "text/css; charset=utf-8");
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("site/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            assets[resource["site/".Length..]] = new Asset(Convert.ToHexStringLower(SHA256.HashData(content))[..16], content);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
