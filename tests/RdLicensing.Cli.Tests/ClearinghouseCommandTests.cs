using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Codes;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

public sealed class ClearinghouseCommandTests
{
    private static Task<CliResult> RunAsync(TestClearinghouse ch, params string[] args) =>
        Rdlic.RunAsync([.. args, "--clearinghouse", ch.BaseAddress.ToString(), "--clearinghouse-token", ch.AdminToken]);

    private static async Task<string> OkAsync(TestClearinghouse ch, params string[] args)
    {
        var result = await RunAsync(ch, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        return result.Stdout;
    }

    [Fact]
    public async Task Codes_issue_json_prints_the_created_codes()
    {
        await using var ch = await TestClearinghouse.StartAsync();

        var stdout = await OkAsync(ch, "clearinghouse", "codes", "issue", "--program", "retail", "--version", "2022", "--type", "per-device",
            "--count", "50", "--codes", "3", "--json");

        var codes = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(3, codes.Count);
        Assert.All(codes, c =>
        {
            Assert.True(LicenseIdentifiers.TryParseRetailCode(c.GetProperty("code").GetString(), out _, out var error), error);
            Assert.Equal(50, c.GetProperty("quantity").GetInt32());
            Assert.Equal("per-device", c.GetProperty("calType").GetString());
        });
    }

    [Fact]
    public async Task Codes_issue_prints_one_grouped_code_per_line_and_list_shows_them()
    {
        await using var ch = await TestClearinghouse.StartAsync();

        var stdout = await OkAsync(ch, "clearinghouse", "codes", "issue", "--version", "2019", "--type", "per-user", "--count", "5");

        Assert.StartsWith("Created 1 retail license code(s), each for 5 Windows Server 2019 RDS Per User CAL(s)", stdout);
        var code = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Matches("^([0-9A-Z]{5}-){4}[0-9A-Z]{5}$", code);
        Assert.Contains(code, await OkAsync(ch, "clearinghouse", "codes", "list"));
    }

    [Fact]
    public async Task Events_lists_an_address_locked_out_for_guessing_agreement_numbers()
    {
        await using var ch = await TestClearinghouse.StartAsync(configure: o => o.RateLimits.UnrecognizedIdentifiersPerWindow = 2);
        Assert.Contains("No security events", await OkAsync(ch, "clearinghouse", "events"));
        using var identity = RdLicensing.Core.Identity.LicenseServerIdentity.Create();
        var activation = await ch.Public.PostSignedAsync("/api/activations", new ActivationRequestBody(identity.ProductId, "automatic",
            new CompanyInformation("Ada", "Lovelace", "Analytical Engines Ltd", "United Kingdom")), identity);
        var licenseServerId = (await activation.Content.ReadFromJsonAsync<ActivationResponse>())!.LicenseServerId;

        foreach (var guess in new[] { "1000001", "1000002" })
            await ch.Public.PostSignedAsync("/api/licenses", new LicenseInstallRequestBody(identity.ProductId, licenseServerId, "2025", "select",
                AgreementNumber: guess, Version: "2022", CalType: "per-user", Quantity: 1), identity);

        var table = await OkAsync(ch, "clearinghouse", "events");
        Assert.Contains("unrecognized-identifiers-address", table);
        Assert.Contains("127.0.0.1", table);
        var json = JsonDocument.Parse(await OkAsync(ch, "clearinghouse", "events", "--json")).RootElement;
        Assert.Equal("POST /api/licenses", Assert.Single(json.EnumerateArray().ToList()).GetProperty("route").GetString());
    }

    [Fact]
    public async Task Keys_record_takes_a_new_key_only_with_a_purchase_identifier_installed_on_that_server_and_keys_list_shows_the_retired_one()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var old = SignedClearinghouseCalls.NewIdentity();
        var activation = await ch.Public.PostSignedAsync("/api/activations", new ActivationRequestBody(old.ProductId, "automatic",
            new CompanyInformation("Ada", "Lovelace", "Analytical Engines Ltd", "United Kingdom")), old);
        var licenseServerId = (await activation.Content.ReadFromJsonAsync<ActivationResponse>())!.LicenseServerId;
        var code = await ch.IssueRetailCodeAsync(Core.Versions.ProductVersion.WindowsServer2025, Core.Cals.CalType.PerDevice, 5);
        (await ch.Public.PostSignedAsync("/api/licenses", new LicenseInstallRequestBody(old.ProductId, licenseServerId, "2025", "retail", code), old)).EnsureSuccessStatusCode();
        var otherCode = await ch.IssueRetailCodeAsync(Core.Versions.ProductVersion.WindowsServer2025, Core.Cals.CalType.PerDevice, 5);
        using var next = old.WithNewKey();
        var (nonce, signature) = Core.Proof.KeyRotationProof.Create(next.Key, old.ProductId, Core.Proof.ServerRequestProof.Fingerprint(old.PublicKey));
        var file = Path.Combine(Path.GetTempPath(), $"rdlic-new-key-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new NewKeyBody(Convert.ToBase64String(next.PublicKey), nonce, Convert.ToBase64String(signature)),
            SignedClearinghouseCalls.Json));
        try
        {
            string[] record = ["clearinghouse", "keys", "record", "--product-id", old.ProductId, "--new-key", file];

            var notTheirs = Rdlic.OneErrorLine(await RunAsync(ch, [.. record, "--retail-code", otherCode]), 1);
            var noProof = Rdlic.OneErrorLine(await RunAsync(ch, record), 2);
            var notAFile = Rdlic.OneErrorLine(await RunAsync(ch, "clearinghouse", "keys", "record", "--product-id", old.ProductId, "--new-key", file + ".missing",
                "--retail-code", code), 2);
            var anonymous = Rdlic.OneErrorLine(await Rdlic.RunAsync([.. record, "--retail-code", code, "--clearinghouse", ch.BaseAddress.ToString(),
                "--clearinghouse-token", "rdca_wrong"]), 1);

            Assert.Contains($"None of the purchase identifiers given is installed on license server {old.ProductId}", notTheirs);
            Assert.Contains("one proof of ownership", noProof);
            Assert.Contains("cannot read", notAFile);
            Assert.StartsWith("rdlic: ", anonymous);
            Assert.Contains("current", await OkAsync(ch, "clearinghouse", "keys", "list", "--product-id", old.ProductId));
            Assert.Single(JsonDocument.Parse(await OkAsync(ch, "clearinghouse", "keys", "list", "--product-id", old.ProductId, "--json")).RootElement.EnumerateArray());

            // Positive control: the code installed there proves ownership; the old key is retired and listed so.
            var recorded = await OkAsync(ch, [.. record, "--retail-code", code]);
            var keys = JsonDocument.Parse(await OkAsync(ch, "clearinghouse", "keys", "list", "--product-id", old.ProductId, "--json")).RootElement.EnumerateArray().ToList();

            Assert.Contains($"Recorded key {Core.Proof.ServerRequestProof.Fingerprint(next.PublicKey)} for license server {old.ProductId} (key-compromised)", recorded);
            Assert.Equal(2, keys.Count);
            Assert.Equal(JsonValueKind.Null, keys[0].GetProperty("retiredAt").ValueKind);
            Assert.Equal("key-compromised (vendor operator)", keys[1].GetProperty("retiredReason").GetString());
            var replay = Rdlic.OneErrorLine(await RunAsync(ch, [.. record, "--retail-code", code]), 1);
            Assert.Contains("new key", replay);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Keys_list_of_a_server_the_clearinghouse_never_heard_of_says_so()
    {
        await using var ch = await TestClearinghouse.StartAsync();

        var line = Rdlic.OneErrorLine(await RunAsync(ch, "clearinghouse", "keys", "list", "--product-id", "12345-67890-12345-67890"), 1);

        Assert.Contains("has never made a signed request", line);
    }

    [Fact]
    public async Task Events_lists_refused_proofs_and_lock_outs_in_one_list_and_keeps_one_servers_with_product_id()
    {
        await using var ch = await TestClearinghouse.StartAsync(configure: o => o.RateLimits.UnrecognizedIdentifiersPerWindow = 2);
        var owner = SignedClearinghouseCalls.NewIdentity();
        var activation = await ch.Public.PostSignedAsync("/api/activations", new ActivationRequestBody(owner.ProductId, "automatic",
            new CompanyInformation("Ada", "Lovelace", "Analytical Engines Ltd", "United Kingdom")), owner);
        var licenseServerId = (await activation.Content.ReadFromJsonAsync<ActivationResponse>())!.LicenseServerId;
        using var stranger = Core.Identity.LicenseServerIdentity.Create();
        // Someone acting for the owner's server without its key, unsigned and signed by another key…
        await ch.Public.PostAsJsonAsync("/api/activations", new ActivationRequestBody(owner.ProductId, "automatic", new CompanyInformation("M", "X", null, null), "redeployed"));
        await ch.Public.PostSignedAsync("/api/reissue", new ReissueRequestBody(owner.ProductId, licenseServerId), stranger, productId: owner.ProductId);
        // …and another server guessing agreement numbers until it is locked out.
        var guesser = SignedClearinghouseCalls.NewIdentity();
        var guesserActivation = await ch.Public.PostSignedAsync("/api/activations", new ActivationRequestBody(guesser.ProductId, "automatic",
            new CompanyInformation("Bob", "Guess", "Guessers", "United Kingdom")), guesser);
        var guesserId = (await guesserActivation.Content.ReadFromJsonAsync<ActivationResponse>())!.LicenseServerId;
        foreach (var guess in new[] { "1000001", "1000002" })
            await ch.Public.PostSignedAsync("/api/licenses", new LicenseInstallRequestBody(guesser.ProductId, guesserId, "2025", "select",
                AgreementNumber: guess, Version: "2022", CalType: "per-user", Quantity: 1), guesser);

        var all = JsonDocument.Parse(await OkAsync(ch, "clearinghouse", "events", "--json")).RootElement.EnumerateArray().ToList();
        var owners = JsonDocument.Parse(await OkAsync(ch, "clearinghouse", "events", "--product-id", owner.ProductId, "--json")).RootElement.EnumerateArray().ToList();
        var table = await OkAsync(ch, "clearinghouse", "events");

        Assert.Equal(["proof-required", "proof-not-recognized", "unrecognized-identifiers-address"],
            all.Select(e => e.GetProperty("kind").GetString()).Where(k => k != "unrecognized-identifiers-product").Reverse());
        Assert.Equal(["proof-not-recognized", "proof-required"], owners.Select(e => e.GetProperty("kind").GetString()));
        Assert.All(owners, e => Assert.Equal(owner.ProductId, e.GetProperty("productId").GetString()));
        Assert.Contains("POST /api/reissue", table);
        Assert.Contains("unrecognized-identifiers-address", table);
    }

    [Fact]
    public async Task Agreements_add_prints_the_agreement_and_list_shows_what_remains()
    {
        await using var ch = await TestClearinghouse.StartAsync();

        var stdout = await OkAsync(ch, "clearinghouse", "agreements", "add", "--program", "enterprise", "--number", "7654321",
            "--entitlement", "2022:per-user:100", "--entitlement", "2019:per-device:5");

        Assert.Contains("Created Enterprise Agreement 7654321, entitling:", stdout);
        Assert.Contains("100 Windows Server 2022 RDS Per User CAL(s)", stdout);
        var json = JsonDocument.Parse(await OkAsync(ch, "clearinghouse", "agreements", "list", "--json")).RootElement;
        var agreement = Assert.Single(json.EnumerateArray().ToList());
        Assert.Equal("7654321", agreement.GetProperty("number").GetString());
        Assert.Equal(2, agreement.GetProperty("entitlements").GetArrayLength());
    }

    [Fact]
    public async Task Open_licenses_add_prints_both_numbers()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var stdout = await OkAsync(ch, "clearinghouse", "open-licenses", "add", "--version", "2022", "--type", "per-device", "--count", "10");
        Assert.Matches(@"License number\s+\d{8}", stdout);
        Assert.Matches(@"Authorization number\s+[0-9A-Z]{15}", stdout);
    }

    [Fact]
    public async Task A_bad_entitlement_is_a_usage_error_and_a_refusal_is_one_line()
    {
        await using var ch = await TestClearinghouse.StartAsync();

        var usage = Rdlic.OneErrorLine(await RunAsync(ch, "clearinghouse", "agreements", "add", "--program", "select", "--entitlement", "2022:per-seat:5"), 2);
        Assert.Contains("--entitlement must be VERSION:TYPE:COUNT", usage);

        var refused = Rdlic.OneErrorLine(await RunAsync(ch, "clearinghouse", "agreements", "add", "--program", "select", "--number", "123",
            "--entitlement", "2022:per-user:5"), 1);
        Assert.Contains("7 digits", refused);
    }

    [Fact]
    public async Task The_clearinghouse_and_its_token_are_found_through_the_data_directory()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "rdl-chcli-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(Path.Combine(data, "clearinghouse"));
            await File.WriteAllTextAsync(Path.Combine(data, "rdlic.json"), $$"""{"server": "http://127.0.0.1:1", "clearinghouse": "{{ch.BaseAddress}}"}""");
            var withoutToken = await Rdlic.RunAsync("clearinghouse", "activations", "list", "--data", data);
            Assert.Contains("no clearinghouse administrator token", Rdlic.OneErrorLine(withoutToken, 1));

            await File.WriteAllTextAsync(Path.Combine(data, "clearinghouse", "admin.token"), ch.AdminToken + "\n");
            var listed = await Rdlic.RunAsync("clearinghouse", "activations", "list", "--data", data);
            Assert.True(listed.ExitCode == 0, listed.ToString());
            Assert.Contains("No license server has been activated yet.", listed.Stdout);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
