using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// The console's sign-in reaches this server only (no fetching of addresses a browser sends), and sign-out ends the
/// session on the server: a copy of the cookie stops working.
/// </summary>
public sealed partial class ConsoleSecurityTests
{
    [GeneratedRegex("""<input[^>]*type="hidden"[^>]*name="__RequestVerificationToken"[^>]*value="(?<value>[^"]*)"[^>]*>""")]
    private static partial Regex AntiforgeryInput();

    private static async Task<HttpResponseMessage> PostSignInAsync(ConsoleSession console, string token, string? server, string? host = null)
    {
        var token0 = await console.AntiforgeryTokenAsync();
        var fields = new Dictionary<string, string> { ["__RequestVerificationToken"] = token0, ["_handler"] = "sign-in", ["Form.Token"] = token };
        if (server is not null) fields["Form.Server"] = server;
        using var request = new HttpRequestMessage(HttpMethod.Post, ConsoleSession.SignInPath) { Content = new FormUrlEncodedContent(fields) };
        if (host is not null) request.Headers.Host = host;
        return await console.Http.SendAsync(request);
    }

    [Fact]
    public async Task Sign_in_refuses_another_servers_address_without_contacting_it_and_signs_in_here()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var elsewhere = new TcpListener(IPAddress.Loopback, 0);
        elsewhere.Start();
        try
        {
            var foreign = $"http://127.0.0.1:{((IPEndPoint)elsewhere.LocalEndpoint).Port}";
            using var console = new ConsoleSession(server.BaseAddress);

            var refused = await PostSignInAsync(console, server.AdminToken, foreign);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("signs in to this license server only", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
            Assert.False(console.SignedIn);

            // A Host header naming the other address is not followed either: the console calls this server's own address.
            var viaHost = await PostSignInAsync(console, server.AdminToken, server: null, host: new Uri(foreign).Authority);
            Assert.Equal(HttpStatusCode.Redirect, viaHost.StatusCode);
            Assert.False(elsewhere.Pending(), "the sign-in contacted the other address");

            using var direct = new ConsoleSession(server.BaseAddress);
            Assert.Equal(HttpStatusCode.Redirect, (await direct.SignInAsync(server.AdminToken)).StatusCode); // the form naming this server
            Assert.True(direct.SignedIn);
            Assert.Equal(HttpStatusCode.OK, (await direct.Http.GetAsync("/console")).StatusCode);
        }
        finally
        {
            elsewhere.Stop();
        }
    }

    [Fact]
    public async Task After_sign_out_a_copy_of_the_cookie_no_longer_works()
    {
        await using var server = await TestLicenseServer.StartAsync();
        using var console = new ConsoleSession(server.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await console.SignInAsync(server.AdminToken)).StatusCode);
        var page = await console.Http.GetStringAsync("/console");
        var copied = string.Join("; ", console.Cookies().Select(c => $"{c.Name}={c.Value}"));
        using var thief = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        async Task<HttpResponseMessage> ReplayAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/console/keypacks");
            request.Headers.Add("Cookie", copied);
            return await thief.SendAsync(request);
        }
        Assert.Equal(HttpStatusCode.OK, (await ReplayAsync()).StatusCode); // before sign-out the copy works, as a cookie does

        var signOut = await console.Http.PostAsync("/console/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryInput().Match(page).Groups["value"].Value),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        var replayed = await ReplayAsync();
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Contains("/console/sign-in", replayed.Headers.Location?.ToString());
        using var again = new ConsoleSession(server.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await again.SignInAsync(server.AdminToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await again.Http.GetAsync("/console/keypacks")).StatusCode);
    }

    [Fact]
    public async Task A_cross_site_sign_out_without_the_consoles_antiforgery_token_signs_nobody_out()
    {
        await using var server = await TestLicenseServer.StartAsync();
        using var console = new ConsoleSession(server.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await console.SignInAsync(server.AdminToken)).StatusCode);
        var page = await console.Http.GetStringAsync("/console");
        var copied = string.Join("; ", console.Cookies().Select(c => $"{c.Name}={c.Value}"));
        using var other = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        async Task<HttpStatusCode> WithTheCookieAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/console/keypacks");
            request.Headers.Add("Cookie", copied);
            return (await other.SendAsync(request)).StatusCode;
        }

        // What another site's form sends with the victim's cookie: no token, or a token of the attacker's own console session.
        using var attacker = new ConsoleSession(server.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await attacker.SignInAsync(server.AdminToken)).StatusCode);
        var attackersToken = WebUtility.HtmlDecode(AntiforgeryInput().Match(await attacker.Http.GetStringAsync("/console")).Groups["value"].Value);
        foreach (var fields in new[] { new Dictionary<string, string>(), new Dictionary<string, string> { ["__RequestVerificationToken"] = attackersToken } })
        {
            var forged = await console.Http.PostAsync("/console/sign-out", new FormUrlEncodedContent(fields));
            await ProblemAssert.IsAsync(forged, HttpStatusCode.BadRequest, "antiforgery-token-invalid");
            Assert.True(console.SignedIn, "the cookie was cleared");
            Assert.Equal(HttpStatusCode.OK, (await console.Http.GetAsync("/console/keypacks")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, await WithTheCookieAsync()); // the session is still live on the server
        }

        // Positive control: the console's own Sign out button (its form's token) ends the session on the server.
        var signOut = await console.Http.PostAsync("/console/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryInput().Match(page).Groups["value"].Value),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, await WithTheCookieAsync());
    }
}
