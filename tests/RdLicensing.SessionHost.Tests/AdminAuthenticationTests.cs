using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.SessionHost.Tests.Support;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Tests;

/// <summary>Every administrative call needs the rdsa_ token of admin.token; what a client device does needs none.</summary>
public sealed class AdminAuthenticationTests
{
    private sealed record Call(HttpMethod Method, string Path, object? Body = null);

    /// <summary>Every administrative endpoint, with a body that would change something if it were accepted.</summary>
    private static readonly Call[] AdministrativeCalls =
    [
        new(HttpMethod.Get, "/api/config"),
        new(HttpMethod.Put, "/api/config", new SessionHostConfigUpdate("per-device", ["http://127.0.0.1:9"], "2025")),
        new(HttpMethod.Get, "/api/enrollments"),
        new(HttpMethod.Post, "/api/enrollments", new HostEnrollmentBody("http://127.0.0.1:9", "rdlh_planted")),
        new(HttpMethod.Get, "/api/status"),
        new(HttpMethod.Get, "/api/events"),
        new(HttpMethod.Get, "/api/diagnose"),
        new(HttpMethod.Get, "/api/clock"),
        new(HttpMethod.Post, "/api/clock/advance", new ClockAdvanceBody("30d")),
        new(HttpMethod.Get, "/api/sessions"),
    ];

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Call call, string? authorization = null)
    {
        using var request = new HttpRequestMessage(call.Method, call.Path);
        if (call.Body is not null) request.Content = JsonContent.Create(call.Body, call.Body.GetType());
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Administrative_calls_without_the_token_are_401_problems_and_change_nothing()
    {
        // Its own clock, so /api/clock/advance could move it; failures unthrottled here (FailedAuthenticationTests covers the limit).
        await using var host = await TestSessionHost.StartAsync(clock: null, configure: o => o.FailedAuthenticationsPerWindow = 1_000_000);
        var hash = await host.Store.SettingAsync(SettingNames.AdminTokenHash);
        string?[] credentials =
        [
            null,
            "Bearer " + LicenseStore.NewToken("rdsa"),       // well-formed, not this host's
            "Bearer rdla_" + host.AdminToken[5..],          // the right secret with a license server prefix
            "Bearer " + hash,                               // what the store holds is not a credential
            "Bearer " + host.AdminToken + "x",
            "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + host.AdminToken)),
            "Bearer ",
        ];

        foreach (var call in AdministrativeCalls)
        foreach (var credential in credentials)
        {
            using var response = await SendAsync(host.Http, call, credential);
            var what = $"{call.Method} {call.Path} with '{credential}'";
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("https://rdlicensing.dev/problems/unauthenticated", problem.RootElement.GetProperty("type").GetString());
            Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
            var detail = problem.RootElement.GetProperty("detail").GetString()!;
            Assert.Contains("admin.token", detail);
            Assert.DoesNotContain(host.AdminToken, detail);
            Assert.DoesNotContain(Path.GetFullPath(host.Options.DataDirectory), detail); // says where, without the server's paths
        }

        var status = await host.StatusAsync();
        Assert.Equal("not-configured", status.Mode.Value);
        Assert.Empty(status.LicenseServers.Value);
        Assert.Equal("default", status.Version.Source);
        Assert.Empty(status.EnrolledWith);
        Assert.Equal("0d", status.Clock.Offset);
        Assert.Empty(await host.Store.TokensAsync());
        Assert.DoesNotContain(await host.EventsAsync(), e => e.Name is "ClockAdvanced" or "EnrolledWithLicenseServer");
    }

    [Fact]
    public async Task The_administrator_token_opens_every_administrative_call()
    {
        await using var host = await TestSessionHost.StartAsync(clock: null);
        Assert.StartsWith("rdsa_", host.AdminToken);

        foreach (var call in AdministrativeCalls.Where(c => c.Method == HttpMethod.Get))
        {
            using var response = await SendAsync(host.Admin, call);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{call.Method} {call.Path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        using (var lowerCaseScheme = await SendAsync(host.Http, new Call(HttpMethod.Get, "/api/status"), "bearer " + host.AdminToken))
            Assert.Equal(HttpStatusCode.OK, lowerCaseScheme.StatusCode);

        (await host.Admin.PutAsJsonAsync("/api/config", new SessionHostConfigUpdate("per-user", null, null))).EnsureSuccessStatusCode();
        (await host.Admin.PostAsJsonAsync("/api/clock/advance", new ClockAdvanceBody("2d"))).EnsureSuccessStatusCode();
        var status = await host.StatusAsync();
        Assert.Equal("per-user", status.Mode.Value);
        Assert.Equal("2d", status.Clock.Offset);
    }

    [Fact]
    public async Task Client_connections_stay_anonymous_and_a_session_ends_only_by_its_random_id()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        var first = await s.Host.ConnectAsync("pc-1");
        var second = await s.Host.ConnectAsync("pc-2");
        Assert.Equal("grace", first.Outcome);

        foreach (var id in new[] { first.SessionId!, second.SessionId! })
        {
            Assert.Matches("^s-[0-9a-f]{32}$", id); // 128 random bits
        }
        Assert.NotEqual(first.SessionId, second.SessionId);

        // Without a credential a client cannot list sessions, so it only knows its own id.
        Assert.Equal(HttpStatusCode.Unauthorized, (await s.Host.Http.GetAsync("/api/sessions")).StatusCode);
        var guessed = "s-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        Assert.Equal(HttpStatusCode.NotFound, (await s.Host.Http.DeleteAsync($"/api/sessions/{guessed}")).StatusCode);
        var shortId = first.SessionId![..18]; // the old 64-bit form is not a session id any more
        Assert.Equal(HttpStatusCode.NotFound, (await s.Host.Http.DeleteAsync($"/api/sessions/{shortId}")).StatusCode);

        Assert.True((await s.Host.Http.PostAsync($"/api/sessions/{first.SessionId}/activity", null)).IsSuccessStatusCode);
        Assert.True((await s.Host.Http.PostAsync($"/api/sessions/{first.SessionId}/sign-in", null)).IsSuccessStatusCode);
        var ended = await s.Host.EndAsync(first.SessionId!);
        Assert.Equal("disconnected", ended.EndReason);
        Assert.Equal(1, (await s.Host.StatusAsync()).ClientSessionsOpen);

        // A stray or wrong Authorization header does not stop a client from connecting.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/connections")
        {
            Content = JsonContent.Create(new ConnectBody(Device.HardwareIdOf("pc-3"), "pc-3", "carol", null, false)),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer rdsa_wrong");
        Assert.Equal(HttpStatusCode.OK, (await s.Host.Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task The_token_file_is_owner_only_without_a_BOM_and_the_store_keeps_only_its_hash()
    {
        var dataDirectory = Rdlic.TemporaryDirectory("rdl-sh-auth-");
        Directory.CreateDirectory(dataDirectory);
        var tokenFile = Path.Combine(dataDirectory, "admin.token");
        // A stale, world-readable admin.token from before: the host must not write its token into it as it is.
        await File.WriteAllTextAsync(tokenFile, "stale\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tokenFile, (UnixFileMode)0b110_100_100);

        var host = await TestSessionHost.StartAsync(clock: null, dataDirectory: dataDirectory);
        host.KeepDataDirectory = true;
        var token = host.AdminToken;
        var bytes = await File.ReadAllBytesAsync(tokenFile);
        Assert.NotEqual(0xEF, bytes[0]); // no byte order mark: `$(cat admin.token)` works
        Assert.Equal(token + "\n", Encoding.UTF8.GetString(bytes));
        Assert.Matches("^rdsa_[A-Za-z0-9_-]{43}$", token); // 256 random bits
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));

        var settings = await host.Store.SettingsAsync();
        Assert.Equal(LicenseStore.HashToken(token), settings[SettingNames.AdminTokenHash]);
        Assert.DoesNotContain(settings.Values, v => v.Contains(token, StringComparison.Ordinal) || v.Contains(token[5..], StringComparison.Ordinal));
        await host.DisposeAsync();
        foreach (var file in Directory.GetFiles(dataDirectory, "sessionhost.db*"))
            Assert.DoesNotContain(token[5..], Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)));

        // A restart keeps the token; without admin.token the owner of the directory gets a new one, and the old one stops working.
        var again = await TestSessionHost.StartAsync(clock: null, dataDirectory: dataDirectory);
        again.KeepDataDirectory = true;
        Assert.Equal(token, again.AdminToken);
        await again.DisposeAsync();
        File.Delete(tokenFile);
        await using var renewed = await TestSessionHost.StartAsync(clock: null, dataDirectory: dataDirectory);
        Assert.NotEqual(token, renewed.AdminToken);
        using var old = renewed.NewClient(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await renewed.Admin.GetAsync("/api/status")).StatusCode);
    }

    [Fact]
    public async Task Joining_a_license_server_in_process_needs_no_session_host_credential()
    {
        await using var s = await Scenario.StartAsync();
        var result = await s.Host.JoinAsync(s.Server);

        Assert.Equal(TestSessionHost.Url(s.Server), result.LicenseServer);
        var status = await s.Host.StatusAsync();
        Assert.Contains(TestSessionHost.Url(s.Server), status.EnrolledWith);
        Assert.Contains(TestSessionHost.Url(s.Server), status.LicenseServers.Value);
    }
}
