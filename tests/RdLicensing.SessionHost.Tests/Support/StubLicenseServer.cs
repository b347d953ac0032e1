using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace RdLicensing.SessionHost.Tests.Support;

/// <summary>
/// Something at a license server URL that is not a real one: answers CAL requests with <see cref="CalStatus"/> (a ProblemDetails
/// when it is an error) and the revocation list with <see cref="List"/>, whatever the token; it has no grace period record for any host.
/// </summary>
public sealed class StubLicenseServer(WebApplication app, string url) : IAsyncDisposable
{
    public string Url { get; } = url;
    public int CalStatus { get; set; } = 503;
    public byte[] List { get; set; } = [];

    public static async Task<StubLicenseServer> StartAsync(byte[]? list = null, int calStatus = 503)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        StubLicenseServer? stub = null;
        app.MapPost("/api/sessionhost/cals", () => Results.Problem(statusCode: stub!.CalStatus, type: "https://rdlicensing.dev/problems/stub", detail: "the stub refuses"));
        app.MapGet("/api/sessionhost/grace", () => Results.Json(new { startedAt = (DateTimeOffset?)null, endsAt = (DateTimeOffset?)null }));
        app.MapGet("/api/sessionhost/revocations", () => Results.Bytes(stub!.List, "application/pkix-crl"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub = new StubLicenseServer(app, address.TrimEnd('/')) { List = list ?? [], CalStatus = calStatus };
        return stub;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
