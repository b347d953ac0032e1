using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.EndToEnd;

/// <summary>
/// Issue 11, "no clones": a copy of a license server that keeps its identity (a copied data directory, then a restore with
/// --keep-identity) runs beside the original; at its first clearinghouse contact it is refused with both installations named
/// and what to do. Reactivating it as "redeployed" is the legitimate move: it takes the identity over, and the original is
/// then told it was retired.
/// </summary>
public sealed class CloneDetectionEndToEndTests : IDisposable
{
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_copy_beside_the_original_is_refused_naming_both_and_redeployed_moves_the_identity_to_it()
    {
        await using var deployment = await Deployment.StartAsync();
        var original = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(original, ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        var backup = _files.File("backup.db");
        await Rdlic.OkAsync(original, "server", "backup", "--out", backup);
        // The copy: the data directory copied elsewhere, then a backup restored into it keeping that identity.
        var copyDirectory = Directory.CreateDirectory(_files.File("copy")).FullName;
        File.Copy(backup, Path.Combine(copyDirectory, "licensing.db"));
        var restored = await Rdlic.RunAsync("server", "restore", "--file", backup, "--data-dir", copyDirectory, "--keep-identity");
        Assert.True(restored.ExitCode == 0, restored.ToString());
        var copy = await deployment.AddServerAsync(dataDirectory: copyDirectory, authority: original.Authority);
        Assert.Equal(original.ProductId, copy.ProductId);
        Assert.NotEqual(original.InstallationId, copy.InstallationId);

        var refused = await Rdlic.FailsAsync(copy, 1, "licenses", "install", "--program", "retail",
            "--code", await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerUser, 2));

        Assert.Contains($"active at the clearinghouse as installation {original.InstallationId} (last contact ", refused);
        Assert.Contains($"this is another installation ({copy.InstallationId})", refused);
        Assert.Contains("If this copy replaces the other, reactivate it with reason 'redeployed' here", refused);
        Assert.Contains(await deployment.Clearinghouse.Store.SecurityEventsAsync(original.ProductId), e => e.Kind == "clone-detected");
        await deployment.InstallRetailAsync(original, ProductVersion.WindowsServer2025, CalType.PerUser, 2); // the original still works

        // The legitimate move: the copy reactivates as redeployed and takes the identity over; the original is refused after that.
        await Rdlic.OkAsync(copy, "server", "reactivate", "--reason", "redeployed", "--method", "automatic");
        await deployment.InstallRetailAsync(copy, ProductVersion.WindowsServer2025, CalType.PerUser, 2);
        var retired = await Rdlic.FailsAsync(original, 1, "licenses", "install", "--program", "retail",
            "--code", await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerUser, 2));
        Assert.Contains($"This installation ({original.InstallationId}) of license server {original.ProductId} was retired", retired);
        Assert.Contains($"when installation {copy.InstallationId} took the identity over", retired);
        var status = await Rdlic.OkAsync(original, "server", "status");
        Assert.Contains("was retired at the clearinghouse", status);
    }
}
