using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Time;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;
using Xunit.Abstractions;

namespace RdLicensing.LicenseServer.Tests.Fuzz;

/// <summary>
/// Every signed artifact the license server takes in — key pack files, License Server IDs, license key pack IDs,
/// retail codes and agreement numbers, CAL tokens presented by session hosts — tampered with one bit at a time, cut
/// short, garbled, or valid but another server's or another authority's: always refused clearly, never a server
/// error, never accepted.
/// </summary>
public sealed class SignedArtifactFuzzTests(ITestOutputHelper output)
{
    private const ProductVersion Version = ProductVersion.WindowsServer2022;
    private const string OtherProductId = "11111-22222-33333-44444";

    // Bytes a code carries: content + a 64-byte ECDSA signature (LicenseServerIdCode, KeyPackIdCode). A copy whose groups
    // differ only in the padding bits after them decodes to the same bytes: the same artifact, not a tampered one.
    private const int LicenseServerIdBytes = 9 + 64;
    private const int KeyPackIdBytes = 19 + 64;

    [Fact]
    public async Task A_key_pack_file_altered_cut_garbled_or_for_another_server_is_refused()
    {
        await using var server = await TestLicenseServer.StartAsync(version: Version, configure: Unthrottled);
        using var forger = new TestKeyAuthority("Forged Clearinghouse");
        var original = server.Authority.SignKeyPack(server.ProductId, Version, CalType.PerDevice, 25);
        var signature = JsonDocument.Parse(original).RootElement.GetProperty("signature").GetString()!;
        var tampered = ArtifactMutations.OneBitOfEveryCharacter(original)
            .Concat(ArtifactMutations.Truncations(original, 19))
            .Concat(ArtifactMutations.GarbageBase64(signature, new Random(1)).Select(g => ("signature: " + g.What, original.Replace(signature, g.Text))))
            .Append(("signed by another clearinghouse", forger.SignKeyPack(server.ProductId, Version, CalType.PerDevice, 25)))
            .Append(("for another license server", server.Authority.SignKeyPack(OtherProductId, Version, CalType.PerDevice, 25)))
            .Where(t => !SameKeyPack(t.Item2, original))
            .ToList();

        var refusals = await RefusedAsync(tampered, file => server.Admin.PostAsJsonAsync("/api/admin/keypacks", new SignedFileBody(file)));

        Assert.Empty((await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!);
        await ProblemAssert.OkAsync<KeyPackView>(await server.Admin.PostAsJsonAsync("/api/admin/keypacks", new SignedFileBody(original)));
        output.WriteLine($"{tampered.Count} tampered key pack files refused: {Summary(refusals)}");
    }

    [Fact]
    public async Task A_license_server_id_altered_cut_or_for_another_server_or_authority_is_refused()
    {
        await using var server = await TestLicenseServer.StartAsync(version: Version, configure: Unthrottled);
        using var forger = new TestKeyAuthority("Forged Clearinghouse");
        var expires = DateTimeOffset.UtcNow.AddYears(2);
        var original = server.Authority.IssueLicenseServerId(server.ProductId, expires);
        var tampered = ArtifactMutations.EveryBitOfEveryCharacter(original)
            .Concat(ArtifactMutations.Truncations(original, 11))
            .Append(("issued by another clearinghouse", forger.IssueLicenseServerId(server.ProductId, expires)))
            .Append(("issued for another license server", server.Authority.IssueLicenseServerId(OtherProductId, expires)))
            .Append(("a license key pack ID instead", KeyPackIdCodeTests.Code(server.Authority, server.ProductId)))
            .Where(t => !SameCode(LicenseServerIdCode.Kind, t.Item2, original, LicenseServerIdBytes))
            .ToList();

        var refusals = await RefusedAsync(tampered, code => server.Admin.PostAsJsonAsync("/api/admin/activation", new ActivationCodeBody(code)));

        Assert.Equal("not-activated", (await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!.Activation.Status);
        await ProblemAssert.OkAsync<ActivationView>(await server.Admin.PostAsJsonAsync("/api/admin/activation", new ActivationCodeBody(original)));
        output.WriteLine($"{tampered.Count} tampered License Server IDs refused: {Summary(refusals)}");
    }

    [Fact]
    public async Task A_license_key_pack_id_altered_cut_or_for_another_server_or_authority_is_refused()
    {
        await using var server = await TestLicenseServer.StartAsync(version: Version, configure: Unthrottled);
        using var forger = new TestKeyAuthority("Forged Clearinghouse");
        var original = KeyPackIdCodeTests.Code(server.Authority, server.ProductId);
        var tampered = ArtifactMutations.EveryBitOfEveryCharacter(original)
            .Concat(ArtifactMutations.Truncations(original, 11))
            .Append(("issued by another clearinghouse", KeyPackIdCodeTests.Code(forger, server.ProductId)))
            .Append(("issued for another license server", KeyPackIdCodeTests.Code(server.Authority, OtherProductId)))
            .Append(("a License Server ID instead", server.Authority.IssueLicenseServerId(server.ProductId, DateTimeOffset.UtcNow.AddYears(1))))
            .Where(t => !SameCode(KeyPackIdCode.Kind, t.Item2, original, KeyPackIdBytes))
            .ToList();

        var refusals = await RefusedAsync(tampered, code => server.Admin.PostAsJsonAsync("/api/admin/keypacks/code", new KeyPackIdCodeBody(code)));

        Assert.Empty((await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!);
        await ProblemAssert.OkAsync<LicenseInstallResponse>(await server.Admin.PostAsJsonAsync("/api/admin/keypacks/code", new KeyPackIdCodeBody(original)));
        output.WriteLine($"{tampered.Count} tampered license key pack IDs refused: {Summary(refusals)}");
    }

    [Fact]
    public async Task A_retail_code_or_agreement_number_altered_cut_or_already_used_by_another_server_is_refused()
    {
        var clock = new SimulatedTimeProvider(TimeProvider.System);
        // Every mutation is sent from one address for one server: the guessing limit (AntiEnumerationTests) is lifted here.
        await using var clearinghouse = await TestClearinghouse.StartAsync(clock, o =>
        {
            o.RateLimits.UnrecognizedIdentifiersPerWindow = 1_000_000;
            o.RateLimits.UnrecognizedIdentifiersPerProductId = 1_000_000;
        });
        await using var server = await ActivatedWithAsync(clearinghouse, clock);
        await using var other = await ActivatedWithAsync(clearinghouse, clock);
        var code = await clearinghouse.IssueRetailCodeAsync(Version, CalType.PerDevice, 10);
        var usedElsewhere = await clearinghouse.IssueRetailCodeAsync(Version, CalType.PerDevice, 10);
        (await other.Admin.PostAsJsonAsync("/api/admin/licenses", new LicenseInstallBody("retail", usedElsewhere))).EnsureSuccessStatusCode();
        var agreement = await clearinghouse.AddAgreementAsync(LicenseProgram.EnterpriseAgreement, Version, CalType.PerUser, 50);

        LicenseInstallBody Retail(string c) => new("retail", c);
        LicenseInstallBody Agreement(string number) => new("enterprise", null, null, null, number, "2022", "per-user", 5);
        var tampered = ArtifactMutations.EveryBitOfEveryCharacter(code).Concat(ArtifactMutations.Truncations(code, 3))
            .Where(t => GroupedCode.Normalize(t.Text) != GroupedCode.Normalize(code))
            .Select(t => ("retail code: " + t.What, Retail(t.Text)))
            .Append(("retail code installed on another server", Retail(usedElsewhere)))
            .Concat(ArtifactMutations.EveryBitOfEveryCharacter(agreement).Concat(ArtifactMutations.Truncations(agreement, 1))
                .Where(t => t.Text.Trim() != agreement)
                .Select(t => ("agreement number: " + t.What, Agreement(t.Text))))
            .ToList();

        var refusals = await RefusedAsync(tampered, body => server.Admin.PostAsJsonAsync("/api/admin/licenses", body));

        Assert.Empty((await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!);
        await ProblemAssert.OkAsync<LicenseInstallResponse>(await server.Admin.PostAsJsonAsync("/api/admin/licenses", Retail(code)));
        await ProblemAssert.OkAsync<LicenseInstallResponse>(await server.Admin.PostAsJsonAsync("/api/admin/licenses", Agreement(agreement)));
        output.WriteLine($"{tampered.Count} tampered license codes and agreement numbers refused: {Summary(refusals)}");
    }

    [Fact]
    public async Task A_presented_cal_altered_cut_garbled_or_from_another_server_is_reported_and_a_new_decision_is_made()
    {
        await using var server = await TestLicenseServer.StartAsync(version: Version, configure: Unthrottled);
        await server.ActivateAsync();
        await server.InstallAsync(Version, CalType.PerDevice, 10);
        var host = new HostClient(await server.EnrollHostAsync());
        var genuine = await PermanentCalAsync(host, "hw-1");
        var otherDevices = await PermanentCalAsync(host, "hw-2");

        await using var other = await TestLicenseServer.StartAsync(version: Version, configure: Unthrottled);
        await other.ActivateAsync();
        await other.InstallAsync(Version, CalType.PerDevice, 10);
        var anotherServers = await PermanentCalAsync(new HostClient(await other.EnrollHostAsync()), "hw-1");

        var bytes = Convert.FromBase64String(genuine);
        var tampered = ArtifactMutations.OneBitOfEveryByte(bytes).Concat(ArtifactMutations.Truncations(bytes, 13))
            .Select(t => (t.What, Convert.ToBase64String(t.Bytes)))
            .Concat(ArtifactMutations.GarbageBase64(genuine, new Random(2)))
            .Append(("issued by another license server", anotherServers))
            .Append(("issued to another device", otherDevices))
            .ToList();

        var refused = 0;
        foreach (var (what, presented) in tampered)
        {
            var response = await host.Http.PostAsJsonAsync("/api/sessionhost/cals", new CalRequestBody("per-device", "2022", "hw-1", "PC-hw-1", "alice", presented));
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-request");
                Assert.Equal("presentedLicense", problem.Field());
                refused++;
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode} {text}");
            var answer = JsonSerializer.Deserialize<CalResponseBody>(text, JsonSerializerOptions.Web)!;
            Assert.True(answer.PresentedLicenseProblem is not null, $"{what}: the tampered CAL was accepted: {text}");
            Assert.Equal("valid", answer.Outcome); // decided from the device's CAL on record, not from what it presented
            Assert.True(answer.License is { } fresh && fresh != presented, $"{what}: no new CAL token was given");
        }

        var again = await host.ConnectDeviceAsync("hw-1", genuine);
        Assert.Null(again.PresentedLicenseProblem);
        Assert.Equal("valid", again.Outcome);
        output.WriteLine($"{tampered.Count} tampered CAL tokens: {refused} refused as unreadable, the rest reported as not valid");
    }

    // A thousand tampered codes in a few seconds is more than an administrator is allowed: the limits have their own tests.
    private static void Unthrottled(LicenseServerOptions options) => options.RateLimits.AdminRequestsPerSecond = options.RateLimits.AdminBurst = 1_000_000;

    /// <summary>A permanent CAL for the device: a temporary one, the sign-in, then the upgrade.</summary>
    private static async Task<string> PermanentCalAsync(HostClient host, string device)
    {
        await host.ConnectDeviceAsync(device);
        await host.SignInAsync(device);
        Assert.Equal("permanent-issued", (await host.ConnectDeviceAsync(device)).Outcome);
        return host.StoredLicense(device)!;
    }

    private static async Task<TestLicenseServer> ActivatedWithAsync(TestClearinghouse clearinghouse, TimeProvider clock)
    {
        var server = await TestLicenseServer.StartAsync(Version, clearinghouse: clearinghouse, sharedClock: clock, configure: Unthrottled);
        var activated = await server.Admin.PostAsJsonAsync("/api/admin/activation/automatic",
            new AutomaticActivationBody(new CompanyInformation("Ada", "Lovelace", "Contoso", "United Kingdom")));
        Assert.True(activated.IsSuccessStatusCode, await activated.Content.ReadAsStringAsync());
        return server;
    }

    /// <summary>Sends each tampered artifact: every answer must be a 4xx ProblemDetails with a stable type. Returns the types seen.</summary>
    private static async Task<Dictionary<string, int>> RefusedAsync<T>(IReadOnlyList<(string What, T Artifact)> tampered, Func<T, Task<HttpResponseMessage>> send)
    {
        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (what, artifact) in tampered)
        {
            using var response = await send(artifact);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{what}: {(int)response.StatusCode} {text}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: not a ProblemDetails: {text}");
            var type = JsonDocument.Parse(text).RootElement.GetProperty("type").GetString()!;
            Assert.StartsWith("https://rdlicensing.dev/problems/", type);
            types[type[type.LastIndexOf('/')..][1..]] = types.GetValueOrDefault(type[type.LastIndexOf('/')..][1..]) + 1;
        }
        return types;
    }

    private static string Summary(Dictionary<string, int> types) => string.Join(", ", types.OrderByDescending(t => t.Value).Select(t => $"{t.Key} {t.Value}"));

    /// <summary>Whether a changed file still says exactly what the original says (say, a flipped bit in unused base64 padding).</summary>
    private static bool SameKeyPack(string file, string original)
    {
        try
        {
            var (a, b) = (SignedDocument.Parse(file, KeyPackGrant.Schema), SignedDocument.Parse(original, KeyPackGrant.Schema));
            return a.CanonicalBytes().AsSpan().SequenceEqual(b.CanonicalBytes()) && a.Signature.AsSpan().SequenceEqual(b.Signature);
        }
        catch (SignedDocumentException)
        {
            return false;
        }
    }

    private static bool SameCode(string kind, string code, string original, int bytes)
    {
        try
        {
            return GroupedCode.Decode(kind, code, bytes, "code").AsSpan().SequenceEqual(GroupedCode.Decode(kind, original, bytes, "code"));
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
