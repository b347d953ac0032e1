using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.Clearinghouse.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Two_servers_installing_the_same_retail_code_at_the_same_moment_exactly_one_succeeds()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        for (var round = 0; round < 5; round++)
        {
            var a = await ch.NewActivatedServerAsync();
            var b = await ch.NewActivatedServerAsync();
            var code = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 10);

            var responses = await Task.WhenAll(
                ch.InstallAsync(new LicenseInstallRequestBody(a.ProductId, a.LicenseServerId, "2025", "retail", LicenseCode: code)),
                ch.InstallAsync(new LicenseInstallRequestBody(b.ProductId, b.LicenseServerId, "2025", "retail", LicenseCode: code)));

            Assert.Equal(1, responses.Count(r => r.IsSuccessStatusCode));
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        }
        var installs = (await ch.Admin.GetFromJsonAsync<List<InstallRecordView>>("/api/admin/installs"))!;
        Assert.Equal(5, installs.Count);
    }

    [Fact]
    public async Task Concurrent_draws_never_exceed_the_entitlement()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var number = await ch.AddAgreementAsync(LicenseProgram.Select, ProductVersion.WindowsServer2022, CalType.PerUser, 100);
        var servers = new List<(string ProductId, string LicenseServerId)>();
        for (var i = 0; i < 8; i++) servers.Add(await ch.NewActivatedServerAsync());

        var responses = await Task.WhenAll(servers.Select(s => ch.InstallAsync(new LicenseInstallRequestBody(s.ProductId, s.LicenseServerId, "2025", "select",
            AgreementNumber: number, Version: "2022", CalType: "per-user", Quantity: 30))));

        Assert.Equal(3, responses.Count(r => r.IsSuccessStatusCode));
        Assert.Equal(90, (await ch.Admin.GetFromJsonAsync<List<AgreementView>>("/api/admin/agreements"))!.Single().Entitlements.Single().Drawn);
    }
}
