using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.EndToEnd;

/// <summary>
/// What the license server must refuse although it comes through the same channels: packs and codes signed by
/// another key, edited by one character, issued for another server, or replayed.
/// </summary>
public sealed class SecurityEndToEndTests : IAsyncLifetime
{
    private readonly TempDirectory _files = new();
    private Deployment _deployment = null!;
    private TestLicenseServer _server = null!;
    private TestLicenseServer _other = null!;

    public async Task InitializeAsync()
    {
        _deployment = await Deployment.StartAsync();
        _server = await Deployment.ActivateAsync(await _deployment.AddServerAsync());
        _other = await Deployment.ActivateAsync(await _deployment.AddServerAsync());
    }

    public async Task DisposeAsync()
    {
        await _deployment.DisposeAsync();
        _files.Dispose();
    }

    /// <summary>A key pack the clearinghouse grants to <paramref name="server"/>, asked for directly (not installed).</summary>
    private async Task<GrantedKeyPack> GrantAsync(TestLicenseServer server, int quantity = 10)
    {
        var code = await _deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, quantity);
        var licenseServerId = (await Deployment.StatusAsync(server)).Activation.LicenseServerId;
        var response = await _deployment.Clearinghouse.Public.PostSignedAsync("/api/licenses",
            new LicenseInstallRequestBody(server.ProductId, licenseServerId, "2025", "retail", code), server.Identity, server.InstallationId);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<GrantedKeyPack>())!;
    }

    private async Task<string> FileAsync(string content)
    {
        var path = _files.File(Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, content);
        return path;
    }

    [Fact]
    public async Task A_key_pack_file_installs_once_and_is_refused_when_edited_replayed_or_for_another_server()
    {
        var grant = await GrantAsync(_server, 10);
        Assert.Contains("\"quantity\": \"10\"", grant.KeyPackFile);

        var edited = await Rdlic.FailsAsync(_server, 1, "keypacks", "install", "--file", await FileAsync(grant.KeyPackFile.Replace("\"quantity\": \"10\"", "\"quantity\": \"19\"")));
        await Rdlic.OkAsync(_server, "keypacks", "install", "--file", await FileAsync(grant.KeyPackFile));
        var replayed = await Rdlic.FailsAsync(_server, 1, "keypacks", "install", "--file", await FileAsync(grant.KeyPackFile));
        var theirs = await Rdlic.FailsAsync(_server, 1, "keypacks", "install", "--file", await FileAsync((await GrantAsync(_other)).KeyPackFile));

        Assert.Contains("signature", edited, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("already installed", replayed);
        Assert.Contains($"not for this server ({_server.ProductId})", theirs);
        Assert.Equal(10, Assert.Single(await Deployment.KeyPacksAsync(_server)).Total);
    }

    [Fact]
    public async Task A_key_pack_signed_by_another_key_is_refused()
    {
        using var impostor = new TestKeyAuthority("RdLicensing Clearinghouse");
        var forged = impostor.SignKeyPack(_server.ProductId, ProductVersion.WindowsServer2025, CalType.PerUser, 500);

        var line = await Rdlic.FailsAsync(_server, 1, "keypacks", "install", "--file", await FileAsync(forged));

        Assert.Contains("rejected", line);
        Assert.Empty(await Deployment.KeyPacksAsync(_server));
    }

    [Fact]
    public async Task A_key_pack_id_is_refused_when_edited_for_another_server_or_replayed()
    {
        var grant = await GrantAsync(_server, 4);
        var bytes = GroupedCode.Decode(KeyPackIdCode.Kind, grant.KeyPackIdCode, 83, "code");
        bytes[14] ^= 0x08; // the quantity, with every group's check recomputed as a forger would
        var forged = GroupedCode.Encode(KeyPackIdCode.Kind, bytes);

        var edited = await Rdlic.FailsAsync(_server, 1, "licenses", "install", "--key-pack-id", forged);
        var theirs = await Rdlic.FailsAsync(_other, 1, "licenses", "install", "--key-pack-id", grant.KeyPackIdCode);
        await Rdlic.OkAsync(_server, "licenses", "install", "--key-pack-id", grant.KeyPackIdCode);
        var replayed = await Rdlic.FailsAsync(_server, 1, "licenses", "install", "--key-pack-id", grant.KeyPackIdCode);

        Assert.Contains("not issued for this license server", edited);
        Assert.Contains($"not issued for this license server ({_other.ProductId})", theirs);
        Assert.Contains("already installed", replayed);
        Assert.Empty(await Deployment.KeyPacksAsync(_other));
    }

    [Fact]
    public async Task A_license_server_id_from_another_clearinghouse_or_for_another_server_is_refused()
    {
        var fresh = await _deployment.AddServerAsync();
        await using var rogue = await TestClearinghouse.StartAsync();
        var fromRogue = await rogue.Public.PostSignedAsync("/api/activations", new ActivationRequestBody(fresh.ProductId, "automatic", Deployment.Contoso),
            fresh.Identity, fresh.InstallationId);
        var rogueCode = (await fromRogue.Content.ReadFromJsonAsync<ActivationResponse>())!.LicenseServerId;
        var othersCode = (await Deployment.StatusAsync(_other)).Activation.LicenseServerId!;

        var forged = await Rdlic.FailsAsync(fresh, 1, "server", "activate", "--license-server-id", rogueCode);
        var theirs = await Rdlic.FailsAsync(fresh, 1, "server", "activate", "--license-server-id", othersCode);
        var mistyped = await Rdlic.FailsAsync(fresh, 2, "server", "activate", "--license-server-id", othersCode[..^1] + (othersCode[^1] == 'A' ? 'B' : 'A'));

        Assert.Contains("not issued for this license server", forged);
        Assert.Contains("not issued for this license server", theirs);
        Assert.Contains("group 30", mistyped);
        Assert.Equal("not-activated", (await Deployment.StatusAsync(fresh)).Activation.Status);
    }
}
