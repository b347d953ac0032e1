using System.Net;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>A license server as far as the web and telephone methods see it: its identity key, its version, the request codes it signs.</summary>
internal sealed class CodeServer(ProductVersion version = ProductVersion.WindowsServer2025, TimeProvider? clock = null) : IDisposable
{
    public LicenseServerIdentity Identity { get; } = LicenseServerIdentity.Create();

    public string ProductId => Identity.ProductId;

    public ProductVersion Version => version;

    /// <summary>A request code as `rdlic` prints it; the first activation's carries the public key.</summary>
    public string Code(ServerRequestPurpose purpose, bool includeKey = false, DateTimeOffset? at = null) =>
        ServerRequestCode.Create(Identity.Key, ProductId, purpose, version, at ?? (clock ?? TimeProvider.System).GetUtcNow(), includeKey);

    public void Dispose() => Identity.Dispose();
}

internal static class RequestCodeSupport
{
    public static Dictionary<string, string> ActivationFields(string requestCode, string reason = "") => new()
    {
        ["requestCode"] = requestCode,
        ["company.firstName"] = "Grace",
        ["company.lastName"] = "Hopper",
        ["company.company"] = "Compilers & <Co>",
        ["company.countryRegion"] = "United States",
        ["reason"] = reason,
    };

    public static Dictionary<string, string> RetailFields(string requestCode, string licenseCode) => new()
    {
        ["requestCode"] = requestCode, ["program"] = "retail", ["licenseCode"] = licenseCode,
    };

    public static Dictionary<string, string> AgreementFields(string requestCode, string program, string number, string version, string calType, int quantity) => new()
    {
        ["requestCode"] = requestCode, ["program"] = program, ["agreementNumber"] = number, ["version"] = version, ["calType"] = calType,
        ["quantity"] = quantity.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static async Task<(HttpStatusCode Status, string Html)> PostFormAsync(this HttpClient client, string path, Dictionary<string, string> fields)
    {
        // The form as a browser posts it: with the antiforgery token of the page that shows it.
        var response = await client.SubmitFormAsync(path, fields);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Activates the server on the web page with its first-activation request code (which records its key): its License Server ID.</summary>
    public static async Task<string> WebActivateAsync(this TestClearinghouse ch, CodeServer server)
    {
        var (status, html) = await ch.Public.PostFormAsync("/activate", ActivationFields(server.Code(ServerRequestPurpose.Activate, includeKey: true)));
        Assert.True(status == HttpStatusCode.OK, html);
        return WebPageTests.CodeIn(html, "license-server-id")!;
    }

    /// <summary>The text of the error shown for a field (or the form), decoded.</summary>
    public static string? ErrorIn(string html, string field)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, $"""<p class="error" id="error-{System.Text.RegularExpressions.Regex.Escape(field)}">([^<]*)</p>""");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }
}
