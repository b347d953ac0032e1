using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Client;

/// <summary>Typed calls to the license server's administration API.</summary>
internal sealed class LicenseServerClient(Connection connection) : JsonApiClient(new ApiService("license server", connection.Server,
    connection.Token, connection.TokenSource, $"--token, else RDLIC_TOKEN, else {connection.TokenFile}",
    "written by the license server on its first start; point --data at that server's data directory",
    "Start it with './rdlic up' or pass --server."))
{
    public Task<Reply<StatusView>> StatusAsync(CancellationToken ct) => GetAsync<StatusView>("api/admin/status", ct);

    public Task<Reply<ConfigurationReviewView>> ReviewAsync(CancellationToken ct) => GetAsync<ConfigurationReviewView>("api/admin/review", ct);

    public Task<Reply<ActivationView>> ActivateAsync(string licenseServerId, CancellationToken ct) =>
        SendAsync<ActivationView>(HttpMethod.Post, "api/admin/activation", new ActivationCodeBody(licenseServerId), ct);

    public Task<Reply<List<KeyPackView>>> KeyPacksAsync(CancellationToken ct) => GetAsync<List<KeyPackView>>("api/admin/keypacks", ct);

    public Task<Reply<KeyPackView>> InstallKeyPackAsync(string content, CancellationToken ct) =>
        SendAsync<KeyPackView>(HttpMethod.Post, "api/admin/keypacks", new SignedFileBody(content), ct);

    public Task<Reply<KeyPackConversionResponse>> ConvertKeyPackAsync(Guid id, int quantity, CancellationToken ct) =>
        SendAsync<KeyPackConversionResponse>(HttpMethod.Post, $"api/admin/keypacks/{id:D}/convert", new KeyPackConversionBody(quantity), ct);

    public Task<Reply<CalPage>> CalsAsync(IEnumerable<KeyValuePair<string, string?>> query, CancellationToken ct) =>
        GetAsync<CalPage>("api/admin/cals" + QueryString(query), ct);

    public Task<Reply<RevokeResponse>> RevokeAsync(long id, CancellationToken ct) =>
        SendAsync<RevokeResponse>(HttpMethod.Post, $"api/admin/cals/{id}/revoke", null, ct);

    public Task<Reply<List<RevocationView>>> RevocationAsync(string? version, CancellationToken ct) =>
        GetAsync<List<RevocationView>>("api/admin/revocation" + QueryString([new("version", version)]), ct);

    public Task<Reply<ReportView>> CreateReportAsync(string type, CancellationToken ct) =>
        SendAsync<ReportView>(HttpMethod.Post, "api/admin/reports", new ReportCreateBody(type), ct);

    public Task<Reply<List<ReportView>>> ReportsAsync(CancellationToken ct) => GetAsync<List<ReportView>>("api/admin/reports", ct);

    public async Task<byte[]> ReportCsvAsync(string id, CancellationToken ct)
    {
        using var response = await SendCoreAsync(HttpMethod.Get, $"api/admin/reports/{Uri.EscapeDataString(id)}/csv", null, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    public Task DeleteReportAsync(string id, CancellationToken ct) => SendNoContentAsync(HttpMethod.Delete, $"api/admin/reports/{Uri.EscapeDataString(id)}", null, ct);

    public Task<Reply<List<EventView>>> EventsAsync(IEnumerable<KeyValuePair<string, string?>> query, CancellationToken ct) =>
        GetAsync<List<EventView>>("api/admin/events" + QueryString(query), ct);

    public Task<Reply<ClockView>> ClockAsync(CancellationToken ct) => GetAsync<ClockView>("api/admin/clock", ct);

    public Task<Reply<ClockView>> AdvanceClockAsync(string by, CancellationToken ct) =>
        SendAsync<ClockView>(HttpMethod.Post, "api/admin/clock/advance", new ClockAdvanceBody(by), ct);

    public Task<Reply<List<SessionHostView>>> HostsAsync(CancellationToken ct) => GetAsync<List<SessionHostView>>("api/admin/sessionhosts", ct);

    public Task<Reply<EnrollResponse>> EnrollAsync(string name, bool inSecurityGroup, CancellationToken ct) =>
        SendAsync<EnrollResponse>(HttpMethod.Post, "api/admin/sessionhosts", new EnrollBody(name, inSecurityGroup), ct);

    public Task RemoveHostAsync(string name, CancellationToken ct) =>
        SendNoContentAsync(HttpMethod.Delete, $"api/admin/sessionhosts/{Uri.EscapeDataString(name)}", null, ct);

    public Task<Reply<SessionHostView>> SetSecurityGroupAsync(string name, bool member, CancellationToken ct) =>
        SendAsync<SessionHostView>(HttpMethod.Put, $"api/admin/sessionhosts/{Uri.EscapeDataString(name)}/security-group", new SecurityGroupBody(member), ct);

    public Task<Reply<PoliciesView>> PoliciesAsync(CancellationToken ct) => GetAsync<PoliciesView>("api/admin/policies", ct);

    public Task<Reply<PoliciesView>> SetPoliciesAsync(PoliciesUpdate update, CancellationToken ct) =>
        SendAsync<PoliciesView>(HttpMethod.Put, "api/admin/policies", update, ct);

    public Task<Reply<List<AlertView>>> AlertsAsync(CancellationToken ct) => GetAsync<List<AlertView>>("api/admin/alerts", ct);

    public Task<Reply<AlertConfigView>> AlertSettingsAsync(CancellationToken ct) => GetAsync<AlertConfigView>("api/admin/alerts/settings", ct);

    public Task<Reply<AlertConfigView>> SetAlertSettingsAsync(AlertConfigUpdate update, CancellationToken ct) =>
        SendAsync<AlertConfigView>(HttpMethod.Put, "api/admin/alerts/settings", update, ct);

    public Task<Reply<List<AlertTestResult>>> TestAlertsAsync(CancellationToken ct) => SendAsync<List<AlertTestResult>>(HttpMethod.Post, "api/admin/alerts/test", null, ct);

    public Task<Reply<PropertiesView>> PropertiesAsync(CancellationToken ct) => GetAsync<PropertiesView>("api/admin/properties", ct);

    public Task<Reply<PropertiesView>> SetPropertiesAsync(PropertiesBody body, CancellationToken ct) =>
        SendAsync<PropertiesView>(HttpMethod.Put, "api/admin/properties", body, ct);

    public Task<Reply<ActivationInstructionsView>> ActivationInstructionsAsync(string method, string? country, CancellationToken ct) =>
        GetAsync<ActivationInstructionsView>("api/admin/activation/instructions" + QueryString([new("method", method), new("country", country)]), ct);

    public Task<Reply<ActivationChangeResponse>> ActivateAutomaticAsync(CompanyInformation company, CancellationToken ct) =>
        SendAsync<ActivationChangeResponse>(HttpMethod.Post, "api/admin/activation/automatic", new AutomaticActivationBody(company), ct);

    public Task<Reply<ActivationChangeResponse>> ReactivateAsync(ReactivationBody body, CancellationToken ct) =>
        SendAsync<ActivationChangeResponse>(HttpMethod.Post, "api/admin/activation/reactivate", body, ct);

    public Task<Reply<PendingKeyView>> PrepareNewKeyAsync(bool replace, CancellationToken ct) =>
        SendAsync<PendingKeyView>(HttpMethod.Post, "api/admin/identity/new-key", new NewKeyRequestBody(replace), ct);

    public Task DiscardNewKeyAsync(CancellationToken ct) => SendNoContentAsync(HttpMethod.Delete, "api/admin/identity/new-key", null, ct);

    public Task<Reply<ActivationChangeResponse>> DeactivateAsync(DeactivationBody body, CancellationToken ct) =>
        SendAsync<ActivationChangeResponse>(HttpMethod.Post, "api/admin/activation/deactivate", body, ct);

    public Task<Reply<RequestCodeView>> RequestCodeAsync(RequestCodeBody body, CancellationToken ct) =>
        SendAsync<RequestCodeView>(HttpMethod.Post, "api/admin/request-codes", body, ct);

    public Task<Reply<LicenseInstallResponse>> InstallLicensesAsync(LicenseInstallBody body, CancellationToken ct) =>
        SendAsync<LicenseInstallResponse>(HttpMethod.Post, "api/admin/licenses", body, ct);

    public Task<Reply<LicenseInstallResponse>> InstallKeyPackIdAsync(string code, CancellationToken ct) =>
        SendAsync<LicenseInstallResponse>(HttpMethod.Post, "api/admin/keypacks/code", new KeyPackIdCodeBody(code), ct);

    public Task<Reply<KeyPackReleaseResponse>> ReleaseAsync(KeyPackReleaseBody body, CancellationToken ct) =>
        SendAsync<KeyPackReleaseResponse>(HttpMethod.Post, "api/admin/licenses/release", body, ct);

    public Task<Reply<MigrationResult>> MigrateAsync(MigrationBody body, CancellationToken ct) =>
        SendAsync<MigrationResult>(HttpMethod.Post, "api/admin/licenses/migrate", body, ct);

    public Task<Reply<RebuildResponse>> RebuildDatabaseAsync(string confirm, CancellationToken ct) =>
        SendAsync<RebuildResponse>(HttpMethod.Post, "api/admin/database/rebuild", new RebuildBody(confirm), ct);

    public async Task<byte[]> BackupAsync(CancellationToken ct)
    {
        using var response = await SendCoreAsync(HttpMethod.Post, "api/admin/backup", null, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    private static string QueryString(IEnumerable<KeyValuePair<string, string?>> query)
    {
        var parts = query.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
