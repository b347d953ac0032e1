using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

/// <summary>Key pack actions: Convert Licenses, as <c>rdlic keypacks convert</c> calls it.</summary>
public sealed partial class ManagerApi
{
    /// <summary>POST /api/admin/keypacks/{id}/convert — a refusal (too many, version too old, clearinghouse) throws with the server's detail.</summary>
    public Task<KeyPackConversionResponse> ConvertKeyPackAsync(Guid id, int quantity, CancellationToken ct) =>
        SendAsync<KeyPackConversionResponse>(HttpMethod.Post, $"api/admin/keypacks/{id:D}/convert", new KeyPackConversionBody(quantity), ct);
}
