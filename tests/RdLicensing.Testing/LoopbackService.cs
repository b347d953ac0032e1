using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace RdLicensing.Testing;

/// <summary>Starting, calling and stopping a real RdLicensing service on 127.0.0.1 with a free port, as every test fixture does.</summary>
public static class LoopbackService
{
    /// <summary>Starts the app (built with Urls http://127.0.0.1:0) and returns where it listens and its administrator token.</summary>
    public static async Task<(Uri Address, string AdminToken)> StartAsync(WebApplication app, string adminTokenPath)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (new Uri(address), (await File.ReadAllTextAsync(adminTokenPath)).Trim());
    }

    public static HttpClient Client(Uri baseAddress, string? token)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) RdLicensing.ServiceDefaults.BearerCredential.Attach(client, token);
        return client;
    }

    /// <summary>Stops the app, lets go of its SQLite files and deletes its data directory unless told to keep it.</summary>
    public static async Task StopAsync(WebApplication app, string dataDirectory, bool keepDataDirectory = false)
    {
        await app.StopAsync();
        await app.DisposeAsync();
        RdLicensing.Storage.Sqlite.SqliteDialect.ClearPools();
        if (!keepDataDirectory) Directory.Delete(dataDirectory, recursive: true);
    }
}
