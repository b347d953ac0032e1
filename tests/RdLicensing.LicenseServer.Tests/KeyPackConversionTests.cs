using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Time;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>POST /api/admin/keypacks/{id}/convert — Convert Licenses through the clearinghouse, applied in one transaction.</summary>
public sealed class KeyPackConversionTests
{
    private static readonly CompanyInformation Company = new("Ada", "Lovelace", "Contoso", "United Kingdom");

    /// <summary>A real clearinghouse and an activated license server that calls it, on one simulated clock.</summary>
    private sealed class WithClearinghouse : IAsyncDisposable
    {
        public required TestClearinghouse Clearinghouse { get; init; }
        public required TestLicenseServer Server { get; init; }

        public static async Task<WithClearinghouse> StartAsync(ProductVersion version = ProductVersion.WindowsServer2025)
        {
            var clock = new SimulatedTimeProvider(TimeProvider.System);
            var clearinghouse = await TestClearinghouse.StartAsync(clock);
            var server = await TestLicenseServer.StartAsync(version, clearinghouse: clearinghouse, sharedClock: clock);
            var activated = await server.Admin.PostAsJsonAsync("/api/admin/activation/automatic", new AutomaticActivationBody(Company));
            Assert.True(activated.IsSuccessStatusCode, await activated.Content.ReadAsStringAsync());
            return new WithClearinghouse { Clearinghouse = clearinghouse, Server = server };
        }

        public async Task<KeyPackView> InstallRetailAsync(ProductVersion version, CalType type, int quantity)
        {
            var code = await Clearinghouse.IssueRetailCodeAsync(version, type, quantity);
            var response = await Server.Admin.PostAsJsonAsync("/api/admin/licenses", new LicenseInstallBody("retail", code));
            return (await ProblemAssert.OkAsync<LicenseInstallResponse>(response)).KeyPack;
        }

        public async Task<List<ConversionRecordView>> RecordedConversionsAsync() =>
            (await Clearinghouse.Admin.GetFromJsonAsync<List<ConversionRecordView>>("/api/admin/conversions"))!;

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Clearinghouse.DisposeAsync();
        }
    }

    private static Task<HttpResponseMessage> ConvertAsync(TestLicenseServer server, Guid id, int? quantity) =>
        server.Admin.PostAsJsonAsync($"/api/admin/keypacks/{id}/convert", new KeyPackConversionBody(quantity));

    private static async Task<KeyPackView[]> PacksAsync(TestLicenseServer server) => (await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!;

    private static async Task<EventView[]> EventsAsync(TestLicenseServer server, int eventId) =>
        (await server.Admin.GetFromJsonAsync<EventView[]>($"/api/admin/events?eventId={eventId}"))!;

    [Fact]
    public async Task Converting_reduces_the_source_and_installs_the_converted_pack_together_and_issued_licenses_stay()
    {
        await using var env = await WithClearinghouse.StartAsync();
        var pack = await env.InstallRetailAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 25);
        var host = new HostClient(await env.Server.EnrollHostAsync());
        foreach (var user in new[] { "alice", "bob", "carol" }) await host.ConnectUserAsync(user);

        var result = await ProblemAssert.OkAsync<KeyPackConversionResponse>(await ConvertAsync(env.Server, pack.Id, 10));

        Assert.Equal((pack.Id, "per-user", 15, 3, 12), (result.Source!.Id, result.Source.Type, result.Source.Total, result.Source.Issued, result.Source.Available));
        Assert.Equal(("per-device", "2022", 10, 0, "retail"), (result.Converted.Type, result.Converted.Version, result.Converted.Total, result.Converted.Issued, result.Converted.Program));
        Assert.Equal(10, result.Quantity);
        Assert.Contains($"Converted 10 Windows Server 2022 RDS Per User CALs of key pack {pack.Id} into RDS Per Device CALs", result.Message);
        var packs = await PacksAsync(env.Server);
        Assert.Equal([(pack.Id, 15, 3), (result.Converted.Id, 10, 0)], packs.Select(p => (p.Id, p.Total, p.Issued)).ToList());
        var held = await env.Server.Store.LicensesHeldPerPackAsync();
        Assert.Equal(3, held[pack.Id]);
        Assert.Equal(result.Message, Assert.Single(await EventsAsync(env.Server, 5027)).Message);
        var recorded = Assert.Single(await env.RecordedConversionsAsync());
        Assert.Equal((pack.Id, result.Converted.Id, 10), (recorded.SourceKeyPackId, recorded.ConvertedKeyPackId, recorded.Quantity));
        // The users keep their CALs, and the converted licenses serve devices.
        Assert.Equal("valid", (await host.ConnectUserAsync("alice")).Outcome);
    }

    [Fact]
    public async Task Converting_a_whole_unissued_pack_replaces_it_by_the_converted_pack()
    {
        await using var env = await WithClearinghouse.StartAsync();
        var pack = await env.InstallRetailAsync(ProductVersion.WindowsServer2019, CalType.PerDevice, 6);

        var result = await ProblemAssert.OkAsync<KeyPackConversionResponse>(await ConvertAsync(env.Server, pack.Id, 6));

        Assert.Null(result.Source);
        Assert.Contains("the whole pack was converted", result.Message);
        var only = Assert.Single(await PacksAsync(env.Server));
        Assert.Equal((result.Converted.Id, "per-user", 6), (only.Id, only.Type, only.Total));
    }

    [Fact]
    public async Task More_than_the_unissued_licenses_is_refused_with_how_many_can_be_converted_and_nothing_changes()
    {
        await using var env = await WithClearinghouse.StartAsync();
        var pack = await env.InstallRetailAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 25);
        var host = new HostClient(await env.Server.EnrollHostAsync());
        for (var i = 0; i < 20; i++) await host.ConnectUserAsync($"user-{i:D2}");

        var tooMany = await ProblemAssert.IsAsync(await ConvertAsync(env.Server, pack.Id, 6), HttpStatusCode.Conflict, "too-many-to-convert");

        Assert.Equal("quantity", tooMany.Field());
        Assert.Equal(5, tooMany.GetProperty("convertible").GetInt32());
        Assert.Contains("Only 5 of the 25 Windows Server 2022 RDS Per User CALs", tooMany.Detail());
        Assert.Contains("20 are issued, and issued licenses cannot be converted. Convert at most 5.", tooMany.Detail());
        var unchanged = Assert.Single(await PacksAsync(env.Server));
        Assert.Equal((pack.Id, 25, 20), (unchanged.Id, unchanged.Total, unchanged.Issued));
        Assert.Empty(await env.RecordedConversionsAsync());
        Assert.Empty(await EventsAsync(env.Server, 5027));

        for (var i = 20; i < 25; i++) await host.ConnectUserAsync($"user-{i:D2}");
        var nothing = await ProblemAssert.IsAsync(await ConvertAsync(env.Server, pack.Id, 1), HttpStatusCode.Conflict, "nothing-to-convert");
        Assert.Equal(0, nothing.GetProperty("convertible").GetInt32());
        Assert.Contains("All 25", nothing.Detail());
    }

    [Fact]
    public async Task A_conversion_racing_cal_requests_never_converts_an_issued_license()
    {
        await using var env = await WithClearinghouse.StartAsync();
        var pack = await env.InstallRetailAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 25);
        var host = new HostClient(await env.Server.EnrollHostAsync());

        var users = Enumerable.Range(0, 20).Select(i => host.ConnectUserAsync($"user-{i:D2}")).ToList();
        var conversion = ConvertAsync(env.Server, pack.Id, 10);
        await Task.WhenAll(users);
        var response = await conversion;

        var packs = await PacksAsync(env.Server);
        Assert.All(packs, p => Assert.InRange(p.Issued, 0, p.Total));
        Assert.Equal(25, packs.Sum(p => p.Total));
        var recorded = await env.RecordedConversionsAsync();
        if (response.IsSuccessStatusCode)
        {
            Assert.Equal(2, packs.Length);
            Assert.Equal(10, Assert.Single(recorded).Quantity);
            Assert.Equal(15, packs.Single(p => p.Id == pack.Id).Total);
        }
        else
        {
            await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "too-many-to-convert");
            Assert.Empty(recorded);
            Assert.Single(packs);
        }
    }

    [Fact]
    public async Task A_rebuild_after_a_conversion_reissues_the_converted_state()
    {
        await using var env = await WithClearinghouse.StartAsync();
        var pack = await env.InstallRetailAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 25);
        var converted = (await ProblemAssert.OkAsync<KeyPackConversionResponse>(await ConvertAsync(env.Server, pack.Id, 10))).Converted;

        var rebuilt = await ProblemAssert.OkAsync<RebuildResponse>(await env.Server.Admin.PostAsJsonAsync("/api/admin/database/rebuild",
            new RebuildBody("delete every installed CAL")));

        Assert.Null(rebuilt.ReissueProblem);
        Assert.Equal(2, rebuilt.DeletedKeyPacks);
        var packs = (await PacksAsync(env.Server)).OrderBy(p => p.Type).ToList();
        Assert.Equal([(pack.Id, "per-device", 15, 15), (converted.Id, "per-user", 10, 10)], packs.Select(p => (p.Id, p.Type, p.Total, p.Available)).ToList());
    }

    [Fact]
    public async Task Licenses_older_than_2012_are_not_convertible()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");
        await server.ActivateAsync();
        var pack = await server.InstallAsync(ProductVersion.WindowsServer2008R2, CalType.PerDevice, 5);

        var problem = await ProblemAssert.IsAsync(await ConvertAsync(server, pack.Id, 2), HttpStatusCode.UnprocessableEntity, "conversion-version-too-old");

        Assert.Contains("Windows Server 2008 R2 RDS Per Device CALs", problem.Detail());
        Assert.Contains("older than Windows Server 2012", problem.Detail());
    }

    [Fact]
    public async Task The_request_the_pack_and_the_server_are_checked_before_the_clearinghouse_is_asked()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");
        var pack = await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);

        Assert.Equal("quantity", (await ProblemAssert.IsAsync(await ConvertAsync(server, pack.Id, null), HttpStatusCode.BadRequest, "invalid-request")).Field());
        Assert.Equal("quantity", (await ProblemAssert.IsAsync(await ConvertAsync(server, pack.Id, 0), HttpStatusCode.BadRequest, "invalid-request")).Field());
        var missing = await ProblemAssert.IsAsync(await ConvertAsync(server, Guid.NewGuid(), 1), HttpStatusCode.NotFound, "key-pack-not-found");
        Assert.Contains("rdlic keypacks list", missing.Detail());
        var notActivated = await ProblemAssert.IsAsync(await ConvertAsync(server, pack.Id, 2), HttpStatusCode.Conflict, "not-activated");
        Assert.Contains("cannot convert licenses", notActivated.Detail());

        await server.ActivateAsync();
        var unreachable = await ProblemAssert.IsAsync(await ConvertAsync(server, pack.Id, 2), HttpStatusCode.BadGateway, "clearinghouse-unreachable");
        Assert.Contains("Nothing was converted", unreachable.Detail());
        Assert.Equal(5, Assert.Single(await PacksAsync(server)).Total);
        Assert.Single(await EventsAsync(server, 5025));
    }

    /// <summary>Answers POST /api/conversions as it is told: a stand-in for a clearinghouse that lies, or a tampered connection.</summary>
    private sealed class FakeClearinghouse : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private FakeClearinghouse(WebApplication app, Uri address)
        {
            _app = app;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<FakeClearinghouse> StartAsync(Func<ConversionRequestBody, IResult> answer)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapPost("/api/conversions", (ConversionRequestBody body) => answer(body));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new FakeClearinghouse(app, new Uri(address));
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>The answers a forged or edited conversion could bring; the server trusts only <c>authority</c>.</summary>
    public static TheoryData<string, string> ForgedAnswers => new()
    {
        { "edited", "signature does not verify" },
        { "other-signer", "not by the trusted clearinghouse" },
        { "more-converted", "holds 12 license(s), not the 10 asked for" },
        { "remaining-too-large", "holds 25 license(s), not 25 − 10 = 15" },
        { "remaining-missing", "is missing" },
        { "same-type", "not Windows Server 2022 RDS Per User CALs" },
        { "other-server", "was issued for license server" },
    };

    [Theory]
    [MemberData(nameof(ForgedAnswers))]
    public async Task A_forged_or_edited_answer_is_refused_and_nothing_changes(string forgery, string why)
    {
        using var otherSigner = new TestKeyAuthority("Someone Else");
        TestLicenseServer? server = null;
        var sourceId = Guid.NewGuid();
        await using var fake = await FakeClearinghouse.StartAsync(body =>
        {
            var productId = server!.ProductId;
            var authority = server.Authority;
            string Pack(TestKeyAuthority by, Guid id, CalType type, int quantity, string? forProduct = null) =>
                by.SignKeyPack(forProduct ?? productId, ProductVersion.WindowsServer2022, type, quantity, id: id);
            var convertedId = Guid.NewGuid();
            var remaining = Pack(authority, sourceId, CalType.PerDevice, 15);
            var converted = forgery switch
            {
                "edited" => Pack(authority, convertedId, CalType.PerUser, 10).Replace("\"quantity\": \"10\"", "\"quantity\": \"20\""),
                "other-signer" => Pack(otherSigner, convertedId, CalType.PerUser, 10),
                "more-converted" => Pack(authority, convertedId, CalType.PerUser, 12),
                "same-type" => Pack(authority, convertedId, CalType.PerDevice, 10),
                "other-server" => Pack(authority, convertedId, CalType.PerUser, 10, "11111-22222-33333-44444"),
                _ => Pack(authority, convertedId, CalType.PerUser, 10),
            };
            if (forgery == "remaining-too-large") remaining = Pack(authority, sourceId, CalType.PerDevice, 25);
            return Results.Ok(new ConversionResponse(sourceId, "per-device", "per-user", 10,
                forgery == "remaining-missing" ? null : new GrantedKeyPack(sourceId, "retail", "2022", "per-device", 15, null, remaining, ""),
                new GrantedKeyPack(convertedId, "retail", "2022", "per-user", 10, null, converted, ""), "Converted."));
        });
        server = await TestLicenseServer.StartAsync(clearinghouseUrl: fake.Address.ToString());
        await using var _ = server;
        await server.ActivateAsync();
        var installed = server.Authority.SignKeyPack(server.ProductId, ProductVersion.WindowsServer2022, CalType.PerDevice, 25, id: sourceId);
        Assert.True((await server.Admin.PostAsJsonAsync("/api/admin/keypacks", new SignedFileBody(installed))).IsSuccessStatusCode);

        var problem = await ProblemAssert.IsAsync(await ConvertAsync(server, sourceId, 10), HttpStatusCode.UnprocessableEntity, "conversion-rejected");

        Assert.Contains(why, problem.Detail());
        Assert.Contains("Nothing changed on this license server", problem.Detail());
        var pack = Assert.Single(await PacksAsync(server));
        Assert.Equal((sourceId, "per-device", 25), (pack.Id, pack.Type, pack.Total));
        Assert.Empty(await EventsAsync(server, 5027));
        Assert.Contains(await EventsAsync(server, 5021), e => e.Message.Contains(why));
    }

    [Fact]
    public async Task A_clearinghouse_refusal_is_passed_on_with_its_type()
    {
        await using var fake = await FakeClearinghouse.StartAsync(_ => Results.Problem(
            detail: "Key pack X holds 3 license(s) by the clearinghouse's record; 4 cannot be converted.", statusCode: 409,
            type: "https://rdlicensing.dev/problems/too-many-to-convert"));
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: fake.Address.ToString());
        await server.ActivateAsync();
        var pack = await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);

        var problem = await ProblemAssert.IsAsync(await ConvertAsync(server, pack.Id, 4), HttpStatusCode.UnprocessableEntity, "clearinghouse-refused");

        Assert.Contains("by the clearinghouse's record", problem.Detail());
        Assert.Equal("https://rdlicensing.dev/problems/too-many-to-convert", problem.GetProperty("clearinghouseType").GetString());
        Assert.Equal(5, Assert.Single(await PacksAsync(server)).Total);
    }
}
