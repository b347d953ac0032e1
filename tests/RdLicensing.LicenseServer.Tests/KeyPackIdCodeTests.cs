using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Install Licenses by license key pack ID (web and telephone installs): verified offline, installed once.</summary>
public sealed class KeyPackIdCodeTests : IAsyncLifetime
{
    private TestLicenseServer _server = null!;

    public async Task InitializeAsync() => _server = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    internal static string Code(TestKeyAuthority authority, string productId, ProductVersion version = ProductVersion.WindowsServer2022, int quantity = 20,
        CalType type = CalType.PerUser, Guid? id = null) =>
        KeyPackIdCode.Issue(authority.Authority, new KeyPackGrant(id ?? KeyPackIdCode.NewKeyPackId(), LicenseProgram.Select, "agreement 1234567", version, type, quantity,
            null, "Telephone install", productId, DateTimeOffset.UtcNow));

    private Task<HttpResponseMessage> InstallAsync(string code) => _server.Admin.PostAsJsonAsync("/api/admin/keypacks/code", new KeyPackIdCodeBody(code));

    [Fact]
    public async Task A_key_pack_id_installs_the_pack_once_and_a_replay_is_refused()
    {
        var id = KeyPackIdCode.NewKeyPackId();
        var code = Code(_server.Authority, _server.ProductId, id: id);

        var installed = await ProblemAssert.OkAsync<LicenseInstallResponse>(await InstallAsync(code.ToLowerInvariant().Replace("-", " ")));

        Assert.Equal("The licenses have been successfully installed.", installed.Message);
        Assert.Equal(id, installed.KeyPack.Id);
        Assert.Equal(20, installed.KeyPack.Total);
        Assert.Equal("select", installed.KeyPack.Program);
        Assert.Equal("per-user", installed.KeyPack.Type);
        Assert.Equal(code, installed.KeyPackIdCode);
        var replay = await ProblemAssert.IsAsync(await InstallAsync(code), HttpStatusCode.Conflict, "key-pack-already-installed");
        Assert.Contains("already installed", replay.Detail());
        Assert.Single((await _server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!);
    }

    [Fact]
    public async Task A_mistyped_group_is_named()
    {
        var code = Code(_server.Authority, _server.ProductId);

        var problem = await ProblemAssert.IsAsync(await InstallAsync(ActivationTests.Mistype(code, 17)), HttpStatusCode.BadRequest, "code-mistyped");

        Assert.Equal(17, problem.GetProperty("group").GetInt32());
        Assert.Equal("keyPackId", problem.Field());
    }

    [Fact]
    public async Task A_code_for_another_server_or_from_another_key_is_refused_and_nothing_is_installed()
    {
        using var impostor = new TestKeyAuthority("Impostor");

        var otherServer = await ProblemAssert.IsAsync(await InstallAsync(Code(_server.Authority, "00000-00000-00000-00001")),
            HttpStatusCode.UnprocessableEntity, "key-pack-bad-signature");
        await ProblemAssert.IsAsync(await InstallAsync(Code(impostor, _server.ProductId)), HttpStatusCode.UnprocessableEntity, "key-pack-bad-signature");

        Assert.Contains("not issued for this license server", otherServer.Detail());
        Assert.Empty((await _server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!);
        Assert.Equal(2, (await _server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5021"))!.Length);
    }

    [Fact]
    public async Task A_code_edited_in_one_data_character_with_a_matching_check_is_refused_by_the_signature()
    {
        var code = Code(_server.Authority, _server.ProductId);
        var edited = ReencodeWithOneChange(code);

        await ProblemAssert.IsAsync(await InstallAsync(edited), HttpStatusCode.UnprocessableEntity, "key-pack-bad-signature");
    }

    [Fact]
    public async Task Cals_newer_than_the_server_are_refused()
    {
        var problem = await ProblemAssert.IsAsync(await InstallAsync(Code(_server.Authority, _server.ProductId, ProductVersion.WindowsServer2025)),
            HttpStatusCode.UnprocessableEntity, "key-pack-version-not-hostable");

        Assert.Contains("The license code is not recognized", problem.Detail());
    }

    [Fact]
    public async Task An_empty_code_is_a_bad_request()
    {
        var problem = await ProblemAssert.IsAsync(await InstallAsync(" "), HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal("keyPackId", problem.Field());
    }

    /// <summary>Changes one data character of group 3 and recomputes every check character, as a forger would.</summary>
    private static string ReencodeWithOneChange(string code)
    {
        var bytes = GroupedCode.Decode(KeyPackIdCode.Kind, code, 83, "code");
        bytes[13] ^= 0x01; // part of the quantity
        return GroupedCode.Encode(KeyPackIdCode.Kind, bytes);
    }
}
