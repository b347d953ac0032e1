using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// The web and telephone methods on the license server: the request codes it signs, and the deactivation that waits for the
/// clearinghouse's confirmation code — refused when the code is another server's, another clearinghouse's, or answers no
/// request this server is waiting for.
/// </summary>
public sealed class RequestCodeTests
{
    /// <summary>Telephone deactivation as the administrator does it: the request code, then the clearinghouse's confirmation.</summary>
    internal static async Task<ActivationChangeResponse> DeactivateByTelephoneAsync(TestLicenseServer server)
    {
        var asked = await ProblemAssert.OkAsync<ActivationChangeResponse>(await server.Admin.PostAsJsonAsync("/api/admin/activation/deactivate",
            new DeactivationBody("telephone", "Ada", "Lovelace", "Canada")));
        return await ConfirmAsync(server, server.Authority.ConfirmDeactivation(server.ProductId, asked.Instructions!.RequestCode!));
    }

    private static async Task<ActivationChangeResponse> ConfirmAsync(TestLicenseServer server, string confirmation) =>
        await ProblemAssert.OkAsync<ActivationChangeResponse>(await server.Admin.PostAsJsonAsync("/api/admin/activation/deactivate",
            new DeactivationBody(null, null, null, null, confirmation)));

    private static Task<HttpResponseMessage> PostConfirmationAsync(TestLicenseServer server, string confirmation) =>
        server.Admin.PostAsJsonAsync("/api/admin/activation/deactivate", new DeactivationBody(null, null, null, null, confirmation));

    private static async Task<string> StatusAsync(TestLicenseServer server) =>
        (await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!.Activation.Status;

    private static async Task<string> AskDeactivationAsync(TestLicenseServer server) =>
        (await ProblemAssert.OkAsync<ActivationChangeResponse>(await server.Admin.PostAsJsonAsync("/api/admin/activation/deactivate",
            new DeactivationBody("web", "Ada", "Lovelace")))).Instructions!.RequestCode!;

    [Fact]
    public async Task A_request_code_names_this_server_its_version_and_the_purpose_and_is_signed_by_its_key()
    {
        await using var server = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2019, clearinghouseUrl: "http://clearinghouse.example/");
        var publicKey = server.Services.GetRequiredService<ServerState>().Identity.Key.ExportSubjectPublicKeyInfo();

        var first = await ProblemAssert.OkAsync<RequestCodeView>(await server.Admin.PostAsJsonAsync("/api/admin/request-codes", new RequestCodeBody("install", "web")));
        await server.ActivateAsync();
        var later = await ProblemAssert.OkAsync<RequestCodeView>(await server.Admin.PostAsJsonAsync("/api/admin/request-codes", new RequestCodeBody("install", "web")));

        var code = ServerRequestCode.Read(first.RequestCode);
        Assert.Equal((server.ProductId, ServerRequestPurpose.Install, ProductVersion.WindowsServer2019), (code.ProductId, code.Purpose, code.ServerVersion));
        Assert.True(code.VerifiesWith(publicKey));
        Assert.Equal(server.ProductId, LicenseServerIdentity.DeriveProductId(code.EmbeddedPublicKey!)); // never activated: carries its key
        Assert.Null(ServerRequestCode.Read(later.RequestCode).EmbeddedPublicKey); // activated: the clearinghouse knows it
        Assert.NotEqual(code.Nonce, ServerRequestCode.Read(later.RequestCode).Nonce);
        Assert.Equal("http://clearinghouse.example/install", first.PageUrl);
        Assert.Contains("rdlic licenses install --key-pack-id", first.NextStep);
    }

    [Fact]
    public async Task A_request_code_needs_a_known_purpose_and_the_web_or_telephone_method()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://clearinghouse.example/");

        var purpose = await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/request-codes", new RequestCodeBody("steal", "web")),
            HttpStatusCode.BadRequest, "invalid-request");
        var method = await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/request-codes", new RequestCodeBody("install", "automatic")),
            HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal(("purpose", "method"), (purpose.Field(), method.Field()));
        var telephone = await ProblemAssert.OkAsync<RequestCodeView>(await server.Admin.PostAsJsonAsync("/api/admin/request-codes",
            new RequestCodeBody("deactivate", "telephone", "Japan")));
        Assert.Equal("+81 120 000 555", telephone.TelephoneNumber);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.NewClient(null).PostAsJsonAsync("/api/admin/request-codes", new RequestCodeBody("install", "web"))).StatusCode);
    }

    [Fact]
    public async Task Web_deactivation_changes_nothing_until_the_confirmation_code_for_its_request_comes_back()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://clearinghouse.example/");
        await server.ActivateAsync();

        var asked = await ProblemAssert.OkAsync<ActivationChangeResponse>(await server.Admin.PostAsJsonAsync("/api/admin/activation/deactivate",
            new DeactivationBody("web", "Ada", "Lovelace")));

        Assert.Equal("activated", asked.Activation.Status);
        Assert.Equal("activated", await StatusAsync(server));
        Assert.Equal("http://clearinghouse.example/deactivate", asked.Instructions!.PageUrl);
        Assert.Contains("Nothing changed yet", asked.Message);
        Assert.Equal(ServerRequestPurpose.Deactivate, ServerRequestCode.Read(asked.Instructions.RequestCode).Purpose);

        var done = await ConfirmAsync(server, server.Authority.ConfirmDeactivation(server.ProductId, asked.Instructions.RequestCode!));
        Assert.Equal("deactivated", done.Activation.Status);
        Assert.Contains("as the clearinghouse confirmed", done.Message);
        Assert.Single((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5023"))!);
    }

    [Fact]
    public async Task A_confirmation_code_of_another_server_or_clearinghouse_is_refused_and_the_server_stays_activated()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://clearinghouse.example/");
        await server.ActivateAsync();
        using var other = LicenseServerIdentity.Create();
        using var impostor = new TestKeyAuthority("Impostor");
        var request = await AskDeactivationAsync(server);

        var otherServer = await ProblemAssert.IsAsync(await PostConfirmationAsync(server, server.Authority.ConfirmDeactivation(other.ProductId, request)),
            HttpStatusCode.UnprocessableEntity, "confirmation-code-rejected");
        var otherClearinghouse = await ProblemAssert.IsAsync(await PostConfirmationAsync(server, impostor.ConfirmDeactivation(server.ProductId, request)),
            HttpStatusCode.UnprocessableEntity, "confirmation-code-rejected");

        Assert.Contains("stays activated", otherServer.Detail());
        Assert.Equal("confirmationCode", otherClearinghouse.Field());
        Assert.Equal("activated", await StatusAsync(server));
        Assert.Equal(2, (await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5022"))!.Length);
        // The right confirmation still works (positive control).
        await ConfirmAsync(server, server.Authority.ConfirmDeactivation(server.ProductId, request));
        Assert.Equal("deactivated", await StatusAsync(server));
    }

    [Fact]
    public async Task A_confirmation_answering_no_pending_request_is_refused_and_one_is_good_once()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://clearinghouse.example/");
        await server.ActivateAsync();
        // A deactivation request code signed with the server's key that the server never made (never pending).
        var identity = server.Services.GetRequiredService<ServerState>().Identity;
        var notAsked = ServerRequestCode.Create(identity.Key, server.ProductId, ServerRequestPurpose.Deactivate, ProductVersion.WindowsServer2025, DateTimeOffset.UtcNow, false);

        var refused = await ProblemAssert.IsAsync(await PostConfirmationAsync(server, server.Authority.ConfirmDeactivation(server.ProductId, notAsked)),
            HttpStatusCode.UnprocessableEntity, "confirmation-code-not-pending");
        Assert.Contains("stays activated", refused.Detail());
        Assert.Equal("activated", await StatusAsync(server));

        var request = await AskDeactivationAsync(server);
        var confirmation = server.Authority.ConfirmDeactivation(server.ProductId, request);
        await ConfirmAsync(server, confirmation);
        await server.ActivateAsync(); // activated again: the old confirmation must not undo it
        await ProblemAssert.IsAsync(await PostConfirmationAsync(server, confirmation), HttpStatusCode.UnprocessableEntity, "confirmation-code-not-pending");
        Assert.Equal("activated", await StatusAsync(server));
    }

    [Fact]
    public async Task A_deactivation_request_made_before_an_activation_cannot_deactivate_after_it()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://clearinghouse.example/");
        await server.ActivateAsync();
        var request = await AskDeactivationAsync(server);

        await server.ActivateAsync(); // e.g. reactivated automatically meanwhile

        await ProblemAssert.IsAsync(await PostConfirmationAsync(server, server.Authority.ConfirmDeactivation(server.ProductId, request)),
            HttpStatusCode.UnprocessableEntity, "confirmation-code-not-pending");
        Assert.Equal("activated", await StatusAsync(server));
    }

    [Fact]
    public async Task A_mistyped_confirmation_code_names_the_group()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://clearinghouse.example/");
        await server.ActivateAsync();
        var confirmation = server.Authority.ConfirmDeactivation(server.ProductId, await AskDeactivationAsync(server));

        var problem = await ProblemAssert.IsAsync(await PostConfirmationAsync(server, ActivationTests.Mistype(confirmation, 3)), HttpStatusCode.BadRequest, "code-mistyped");

        Assert.Equal(3, problem.GetProperty("group").GetInt32());
        Assert.Equal("activated", await StatusAsync(server));
    }

    [Theory]
    [InlineData("key-compromised")]
    [InlineData("certificate-corrupt")]
    public async Task A_reactivation_that_replaces_the_key_is_not_offered_by_web_or_telephone(string reason)
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://clearinghouse.example/");
        await server.ActivateAsync();

        var problem = await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/activation/reactivate",
            new ReactivationBody(reason, "web", "Ada", "Lovelace")), HttpStatusCode.UnprocessableEntity, "reactivation-needs-new-key");

        Assert.Contains("--method automatic", problem.Detail());
        var redeployed = await ProblemAssert.OkAsync<ActivationChangeResponse>(await server.Admin.PostAsJsonAsync("/api/admin/activation/reactivate",
            new ReactivationBody("redeployed", "web", "Ada", "Lovelace")));
        Assert.Equal(ServerRequestPurpose.Reactivate, ServerRequestCode.Read(redeployed.Instructions!.RequestCode).Purpose);
    }
}
