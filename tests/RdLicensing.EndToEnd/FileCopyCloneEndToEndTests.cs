using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.EndToEnd;

/// <summary>
/// Issue 11, "no clones", the plain file copy: the data directory of a running, activated license server copied elsewhere keeps its
/// installation id, so the installation check alone cannot tell the two apart. Every signed contact carries the installation's contact
/// number (kept in its database, advanced before each contact); the copy continues from the same number as the original, and the
/// clearinghouse refuses a number used twice: the copy that contacts second is told (clone-detected) and becomes another installation,
/// the first keeps working.
/// </summary>
public sealed class FileCopyCloneEndToEndTests : IDisposable
{
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_file_copy_of_a_running_servers_data_directory_is_told_at_its_first_contact_and_the_original_keeps_working()
    {
        await using var deployment = await Deployment.StartAsync();
        var original = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(original, ProductVersion.WindowsServer2025, CalType.PerDevice, 5);

        // A plain copy of the live data directory (database, write-ahead log and all), started as a second server.
        var copyDirectory = Directory.CreateDirectory(_files.File("copy")).FullName;
        foreach (var file in Directory.GetFiles(original.DataDirectory).Where(f => Path.GetFileName(f) != "license-server.lock")) // held by the original
            File.Copy(file, Path.Combine(copyDirectory, Path.GetFileName(file)));
        var copy = await deployment.AddServerAsync(dataDirectory: copyDirectory, authority: original.Authority);
        Assert.Equal((original.ProductId, original.InstallationId), (copy.ProductId, copy.InstallationId)); // one server, as far as identity goes
        var copiedInstallation = copy.InstallationId;

        // The original contacts the clearinghouse first; then the copy, with the same contact number.
        await deployment.InstallRetailAsync(original, ProductVersion.WindowsServer2025, CalType.PerUser, 2);
        var code = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerUser, 3);
        var refused = await Rdlic.FailsAsync(copy, 1, "licenses", "install", "--program", "retail", "--code", code);

        Assert.Contains($"(installation {copiedInstallation}) made clearinghouse contact number 3, which another copy of the same installation already made", refused);
        Assert.Contains("two copies of one data directory are running", refused);
        Assert.Contains("reactivate this one with reason 'redeployed'", refused);
        Assert.Contains(await deployment.Clearinghouse.Store.SecurityEventsAsync(original.ProductId),
            e => e.Kind == "clone-detected" && e.InstallationId == copiedInstallation);
        Assert.DoesNotContain(await Deployment.KeyPacksAsync(copy), p => p.Type == "per-user");

        // The copy is told in its status and log, and is now another installation: a second try is refused too (no taking turns).
        Assert.NotEqual(copiedInstallation, copy.InstallationId);
        Assert.Contains("refused this copy of the license server as a clone", await Rdlic.OkAsync(copy, "server", "status"));
        var again = await Rdlic.FailsAsync(copy, 1, "licenses", "install", "--program", "retail", "--code", code);
        Assert.Contains($"this is another installation ({copy.InstallationId})", again);

        // Positive control: the original keeps working — with the very code the copy was refused (nothing was consumed) and afterwards.
        var response = await original.Admin.PostAsJsonAsync("/api/admin/licenses", new LicenseInstallBody("retail", code));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await deployment.InstallRetailAsync(original, ProductVersion.WindowsServer2025, CalType.PerUser, 1);
        Assert.Equal(6, (await Deployment.KeyPacksAsync(original)).Where(p => p.Type == "per-user").Sum(p => p.Total));
        Assert.DoesNotContain("clone", await Rdlic.OkAsync(original, "server", "status"));
    }

    [Fact]
    public async Task A_request_without_a_contact_number_from_an_installation_that_numbers_its_contacts_is_refused()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2025, CalType.PerDevice, 5); // numbered contacts (version 2)
        var licenseServerId = (await Deployment.StatusAsync(server)).Activation.LicenseServerId;

        // Whoever holds a copy of the database (so the key and the installation id) signs the old way, without a contact number.
        var unnumbered = await deployment.Clearinghouse.Public.PostSignedAsync("/api/reissue",
            new ReissueRequestBody(server.ProductId, licenseServerId), server.Identity, server.InstallationId, numbered: false);

        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, unnumbered.StatusCode);
        Assert.Contains("proof-version-outdated", await unnumbered.Content.ReadAsStringAsync());
        Assert.Contains(await deployment.Clearinghouse.Store.SecurityEventsAsync(server.ProductId), e => e.Kind == "proof-version-outdated");
        // Positive controls: the server itself (numbered) keeps working; an installation that never numbered its contacts may still sign the old way.
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2025, CalType.PerUser, 2);
        var legacy = Testing.SignedClearinghouseCalls.NewIdentity();
        var activation = await deployment.Clearinghouse.Public.PostSignedAsync("/api/activations", new ActivationRequestBody(legacy.ProductId, "automatic",
            new CompanyInformation("Ada", "Lovelace", "Analytical Engines Ltd", "United Kingdom")), legacy, numbered: false);
        Assert.True(activation.IsSuccessStatusCode, await activation.Content.ReadAsStringAsync());
    }
}
