using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace RdLicensing.LicenseServer.Console;

/// <summary>
/// The license server the console signs in to: always this one, called at its own listening address (a wildcard address
/// reached through loopback) — never at an address a browser typed or sent in its Host header, so the sign-in page
/// cannot be used to make the server fetch another address.
/// </summary>
public static class ThisServer
{
    /// <summary>Where this server listens, as the console calls it (http preferred: the call stays on this machine).</summary>
    public static string Url(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The license server has no listening address yet.");
        var uri = new Uri(chosen.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0") uri = new UriBuilder(uri) { Host = "127.0.0.1" }.Uri;
        else if (uri.Host is "[::]" or "::") uri = new UriBuilder(uri) { Host = "[::1]" }.Uri;
        return uri.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>
    /// Whether an address typed at sign-in names this server: one of its listening addresses, or the address the browser
    /// reached it at. Only compared, never called.
    /// </summary>
    public static bool Names(string? typed, IServer server, HttpRequest request)
    {
        if (string.IsNullOrWhiteSpace(typed)) return true;
        var own = (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []).Append(Url(server)).Append($"{request.Scheme}://{request.Host}");
        return own.Any(a => ConsoleConnections.SameUrl(a, typed.Trim()));
    }
}
