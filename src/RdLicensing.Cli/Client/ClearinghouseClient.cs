using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Client;

/// <summary>Typed calls to the clearinghouse's vendor administration API.</summary>
internal sealed class ClearinghouseClient(ClearinghouseConnection connection) : JsonApiClient(new ApiService("clearinghouse", connection.Url,
    connection.Token, connection.TokenSource, $"--clearinghouse-token, else RDLIC_CLEARINGHOUSE_TOKEN, else {connection.TokenFile}",
    "written by the clearinghouse on its first start; point --data at the data directory of `rdlic up`",
    "Start it with './rdlic up' or './rdlic clearinghouse run', or pass --clearinghouse."))
{
    public Task<Reply<List<RetailCodeView>>> IssueCodesAsync(RetailCodesRequest body, CancellationToken ct) =>
        SendAsync<List<RetailCodeView>>(HttpMethod.Post, "api/admin/codes", body, ct);

    public Task<Reply<List<RetailCodeView>>> CodesAsync(CancellationToken ct) => SendAsync<List<RetailCodeView>>(HttpMethod.Get, "api/admin/codes", null, ct);

    public Task<Reply<OpenLicenseView>> AddOpenLicenseAsync(OpenLicenseRequest body, CancellationToken ct) =>
        SendAsync<OpenLicenseView>(HttpMethod.Post, "api/admin/open-licenses", body, ct);

    public Task<Reply<List<OpenLicenseView>>> OpenLicensesAsync(CancellationToken ct) =>
        SendAsync<List<OpenLicenseView>>(HttpMethod.Get, "api/admin/open-licenses", null, ct);

    public Task<Reply<AgreementView>> AddAgreementAsync(AgreementRequest body, CancellationToken ct) =>
        SendAsync<AgreementView>(HttpMethod.Post, "api/admin/agreements", body, ct);

    public Task<Reply<List<AgreementView>>> AgreementsAsync(CancellationToken ct) => SendAsync<List<AgreementView>>(HttpMethod.Get, "api/admin/agreements", null, ct);

    public Task<Reply<List<ActivationRecordView>>> ActivationsAsync(CancellationToken ct) =>
        SendAsync<List<ActivationRecordView>>(HttpMethod.Get, "api/admin/activations", null, ct);

    public Task<Reply<List<InstallRecordView>>> InstallsAsync(CancellationToken ct) =>
        SendAsync<List<InstallRecordView>>(HttpMethod.Get, "api/admin/installs", null, ct);

    public Task<Reply<List<SecurityEventView>>> SecurityEventsAsync(string? productId, CancellationToken ct) =>
        SendAsync<List<SecurityEventView>>(HttpMethod.Get,
            productId is null ? "api/admin/security-events" : $"api/admin/security-events?productId={Uri.EscapeDataString(productId)}", null, ct);

    public Task<Reply<ServerKeyView>> RecordServerKeyAsync(string productId, VendorKeyBody body, CancellationToken ct) =>
        SendAsync<ServerKeyView>(HttpMethod.Post, $"api/admin/servers/{Uri.EscapeDataString(productId)}/keys", body, ct);

    public Task<Reply<List<ServerKeyRecordView>>> ServerKeysAsync(string productId, CancellationToken ct) =>
        SendAsync<List<ServerKeyRecordView>>(HttpMethod.Get, $"api/admin/servers/{Uri.EscapeDataString(productId)}/keys", null, ct);
}
