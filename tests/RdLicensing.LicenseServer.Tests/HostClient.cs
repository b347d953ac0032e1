using System.Net.Http.Json;
using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Speaks as an enrolled session host; remembers each device's CAL like a client's license store.</summary>
internal sealed class HostClient(HttpClient http, string hostVersion = "2022")
{
    // Shared by concurrent devices in the contention tests.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _stored = new();

    public HttpClient Http => http;

    public async Task<CalResponseBody> ConnectDeviceAsync(string hardwareId, string? presented = null, string? version = null)
    {
        presented ??= _stored.GetValueOrDefault(hardwareId);
        var response = await http.PostAsJsonAsync("/api/sessionhost/cals",
            new CalRequestBody("per-device", version ?? hostVersion, hardwareId, "PC-" + hardwareId, "alice", presented));
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<CalResponseBody>())!;
        if (body.License is not null) _stored[hardwareId] = body.License;
        return body;
    }

    public string? StoredLicense(string hardwareId) => _stored.GetValueOrDefault(hardwareId);

    public async Task<SignInResponse> SignInAsync(string hardwareId)
    {
        var response = await http.PostAsJsonAsync("/api/sessionhost/cals/sign-in", new SignInBody(hardwareId));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SignInResponse>())!;
    }

    public async Task<CalResponseBody> ConnectUserAsync(string user, string? version = null)
    {
        var response = await http.PostAsJsonAsync("/api/sessionhost/cals",
            new CalRequestBody("per-user", version ?? hostVersion, null, "laptop", user, null));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CalResponseBody>())!;
    }
}

internal sealed class FixedValidity(int days) : RdLicensing.Core.Cals.IPermanentValidity
{
    public int NextDays() => days;
}
