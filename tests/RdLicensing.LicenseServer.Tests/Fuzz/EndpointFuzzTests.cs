using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;
using Xunit.Abstractions;

namespace RdLicensing.LicenseServer.Tests.Fuzz;

/// <summary>
/// Every endpoint the license server maps, fed malformed input as the caller it serves (and as the wrong and no
/// caller): never a server error, every API refusal a ProblemDetails with a type, and the licensing state untouched.
/// </summary>
public sealed class EndpointFuzzTests(ITestOutputHelper output)
{
    private const int WrongCallerRequests = 3;

    /// <param name="InConsole">Sent with the console's session (cookies), so forms carry its antiforgery token.</param>
    private sealed record Target(FuzzEndpoint Endpoint, HttpClient Client, string Who, bool Refused, bool InConsole = false);

    [Fact]
    public async Task Every_endpoint_refuses_malformed_input_without_a_server_error_or_a_change_to_the_licensing_state()
    {
        await using var server = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022, configure: o =>
        {
            // Thousands of requests, hundreds with wrong credentials: the limits have their own tests.
            o.RateLimits.AdminRequestsPerSecond = o.RateLimits.AdminBurst = 1_000_000;
            o.RateLimits.FailedAuthenticationsPerWindow = 1_000_000;
        });
        var stopwatch = Stopwatch.StartNew();

        // A licensing state worth protecting: activated, key packs with CALs issued from them, a host, a report.
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 10);
        var hostHttp = await server.EnrollHostAsync("rdsh-fuzz");
        var host = new HostClient(hostHttp);
        await host.ConnectDeviceAsync("hw-1");
        await host.SignInAsync("hw-1");
        Assert.Equal("permanent-issued", (await host.ConnectDeviceAsync("hw-1")).Outcome);
        await host.ConnectUserAsync(@"CONTOSO\ann");
        (await server.Admin.PostAsJsonAsync("/api/admin/reports", new ReportCreateBody(null))).EnsureSuccessStatusCode();

        using var console = new ConsoleSession(server.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await console.SignInAsync(server.AdminToken)).StatusCode);
        var antiforgery = new Dictionary<Caller, string>
        {
            [Caller.Anonymous] = await console.AntiforgeryTokenAsync(ConsoleSession.SignInPath),
            [Caller.Console] = await console.AntiforgeryTokenAsync("/console"),
        };
        // Not following redirects: the console answers strangers with one to its sign-in page, which is the refusal.
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using var wrongToken = server.NewClient("rdla_" + Guid.NewGuid().ToString("N"));

        var endpoints = EndpointCatalog.Of(server.Services);
        Assert.Contains(endpoints, e => e.Name == "POST /api/sessionhost/cals");
        Assert.Contains(endpoints, e => e.Name == "POST /console/sign-in");
        var before = await LicensingFingerprint.OfAsync(server.Store);
        Assert.Contains("key_packs: 2 row(s)", before);
        Assert.Contains("issued_cals: 3 row(s)", before); // the upgraded temporary CAL, its permanent one, a Per User CAL
        Assert.Contains("reports: 1 row(s)", before);
        foreach (var endpoint in endpoints) output.WriteLine(Describe(endpoint));

        var failures = new ConcurrentQueue<string>();
        var sent = 0;
        async Task SendAsync(Target target, FuzzRequest request)
        {
            if (target.InConsole && !console.SignedIn)
                Assert.Equal(HttpStatusCode.Redirect, (await console.SignInAsync(server.AdminToken)).StatusCode); // a fuzzed sign-out signed out
            using var message = request.ToMessage();
            HttpResponseMessage response;
            try
            {
                response = await target.Client.SendAsync(message);
            }
            catch (HttpRequestException e) when (request.Body?.Length > 64 * 1024 && e.InnerException is IOException)
            {
                // Over the body limit the server answers 413 and closes before the client has written it all: a refusal.
                Interlocked.Increment(ref sent);
                return;
            }
            using var _ = response;
            var text = await response.Content.ReadAsStringAsync();
            Interlocked.Increment(ref sent);
            var status = (int)response.StatusCode;
            var problem = Check(target, request, response, status, text);
            if (problem is not null) failures.Enqueue($"{target.Endpoint.Name} as {target.Who}: {request} → {status}: {problem} {Short(text)}");
        }

        var targets = endpoints.SelectMany(e => TargetsOf(e, server.Admin, hostHttp, console.Http, anonymous, wrongToken)).ToList();
        // The console's endpoints go one at a time: a fuzzed sign-out ends the session the others use.
        var (consoleTargets, apiTargets) = (targets.Where(t => t.InConsole).ToList(), targets.Where(t => !t.InConsole).ToList());
        await Parallel.ForEachAsync(apiTargets, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (target, _) =>
        {
            foreach (var request in RequestsFor(target, antiforgery)) await SendAsync(target, request);
        });
        foreach (var target in consoleTargets)
            foreach (var request in RequestsFor(target, antiforgery)) await SendAsync(target, request);

        var after = await LicensingFingerprint.OfAsync(server.Store);
        output.WriteLine($"{endpoints.Count} endpoints, {sent} requests in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.IsEmpty, $"{failures.Count} of {sent} requests failed:\n" + string.Join('\n', failures.DistinctBy(f => f[..f.IndexOf(':')]).Take(60)));
        Assert.True(before.SequenceEqual(after), "The licensing state changed:\n" + LicensingFingerprint.Difference(before, after));
    }

    /// <summary>The caller an endpoint serves gets every malformed request; the wrong caller and no caller a few, which must be refused.</summary>
    private static IEnumerable<Target> TargetsOf(FuzzEndpoint endpoint, HttpClient admin, HttpClient host, HttpClient console, HttpClient anonymous, HttpClient wrongToken) => endpoint.Needs switch
    {
        Caller.Admin => [new(endpoint, admin, "administrator", false), new(endpoint, host, "session host", true), new(endpoint, anonymous, "nobody", true),
            new(endpoint, wrongToken, "a wrong token", true)],
        Caller.SessionHost => [new(endpoint, host, "session host", false), new(endpoint, admin, "administrator", true), new(endpoint, anonymous, "nobody", true),
            new(endpoint, wrongToken, "a wrong token", true)],
        Caller.Console => [new(endpoint, console, "signed-in console", false, InConsole: true), new(endpoint, anonymous, "nobody", true)],
        _ when endpoint.Pattern.RawText?.StartsWith("/console", StringComparison.Ordinal) == true => [new(endpoint, console, "console", false, InConsole: true)],
        _ => [new(endpoint, anonymous, "nobody", false), new(endpoint, admin, "administrator", false)],
    };

    private static IEnumerable<FuzzRequest> RequestsFor(Target target, IReadOnlyDictionary<Caller, string> antiforgery)
    {
        var token = target.InConsole ? antiforgery[target.Endpoint.Needs == Caller.Console ? Caller.Console : Caller.Anonymous] : null;
        var requests = BadInputs.For(target.Endpoint, token);
        return target.Refused ? requests.Take(WrongCallerRequests) : requests;
    }

    /// <summary>What is wrong with the answer, or null.</summary>
    private static string? Check(Target target, FuzzRequest request, HttpResponseMessage response, int status, string text)
    {
        if (status >= 500) return "a server error";
        if (target.Refused && status is >= 200 and < 300) return "served a caller it must refuse";
        if (request.MustBeRefused && status is >= 200 and < 300 && target.Endpoint.IsApi) return "accepted a malformed request";
        if (!target.Endpoint.IsApi || status is < 400 or >= 500) return null;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"not a ProblemDetails ({response.Content.Headers.ContentType})";
        try
        {
            using var problem = JsonDocument.Parse(text);
            return problem.RootElement.TryGetProperty("type", out var type) && type.GetString()?.StartsWith("https://rdlicensing.dev/problems/", StringComparison.Ordinal) == true
                ? null
                : "a ProblemDetails without a stable type";
        }
        catch (JsonException)
        {
            return "a ProblemDetails that is not JSON";
        }
    }

    private static string Describe(FuzzEndpoint endpoint) =>
        $"{endpoint.Name} ({endpoint.Needs}" + (endpoint.BodyType is { } body ? ", body " + body.Name : "")
        + (endpoint.Query.Count > 0 ? ", query " + string.Join(' ', endpoint.Query.Select(q => q.Name)) : "") + ")";

    private static string Short(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
