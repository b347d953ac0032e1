using RdLicensing.Cli.Client;
using RdLicensing.Cli.Output;
using RdLicensing.Clearinghouse;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer;
using RdLicensing.SessionHost.Rdp;
using Spectre.Console;

namespace RdLicensing.Cli.Hosting;

/// <summary>What `rdlic up` and `rdlic server run` print once the server listens. Never the token itself.</summary>
internal static class StartupBanner
{
    /// <param name="beside">What `rdlic up` runs beside the server, listening where <paramref name="running"/> says.</param>
    public static async Task PrintAsync(Render output, LicenseServerOptions options, RunningServices running, CancellationToken ct, BesideServices? beside = null)
    {
        var url = running.LicenseServer;
        StatusView? status = null;
        string? problem = null;
        var tokenFile = Path.GetFullPath(options.AdminTokenPath);
        try
        {
            var token = File.Exists(tokenFile) ? File.ReadAllText(tokenFile).Trim() : null;
            using var client = new LicenseServerClient(new Connection(url, token, tokenFile, tokenFile));
            status = (await client.StatusAsync(ct)).Value;
        }
        catch (CliException e)
        {
            problem = e.Message;
        }

        output.Line($"The RdLicensing license server is running (data in {Path.GetFullPath(options.DataDirectory)}).");
        var fields = new List<(string, Text)>
        {
            ("Server", Render.Cell(url)),
            ("Console", Render.Cell(url + "/console (the Licensing Manager: sign in with the admin token below)")),
            ("API base", Render.Cell(url + "/api/")),
            ("OpenAPI", Render.Cell(url + "/openapi/v1.json")),
            ("Health", Render.Cell(url + "/health")),
            ("Admin token file", Render.Cell(tokenFile + " (keep it secret; rdlic reads it from there)")),
            ("Product ID", Render.Cell(status?.ProductId ?? $"unknown ({problem})")),
            ("Version", Render.Cell(Names.Version(status?.ServerVersion ?? options.ProductVersion.ToString()))),
            ("Clearinghouse", Render.Cell(status is null ? "-" : status.Clearinghouse ?? "none trusted: key packs and activations cannot be installed (pass --clearinghouse-cert FILE)")),
            ("Clock", options.Clock == ClockMode.Simulated
                ? Render.Cell($"SIMULATED{(status is null ? "" : $", now {Render.Time(status.Clock.Now)} (offset {status.Clock.Offset})")}", new Style(Color.Red, decoration: Decoration.Bold))
                : Render.Cell("real")),
        };
        output.Fields(fields);
        if (beside is not null && running.Clearinghouse is { } clearinghouseUrl)
        {
            output.Line();
            ClearinghouseBanner.Print(output, beside.Clearinghouse, clearinghouseUrl);
        }
        if (beside is not null && running.SessionHost is { } sessionHostUrl)
        {
            output.Line();
            output.Line($"The RdLicensing session host is running (data in {Path.GetFullPath(beside.SessionHost.DataDirectory)}).");
            var hostFields = new List<(string, Text)>
            {
                ("Session host", Render.Cell($"{sessionHostUrl} (name {beside.SessionHost.Name}, enrolled with the license server)")),
            };
            if (running.Rdp is { } rdp) hostFields.Add(RdpEndpointField(rdp));
            hostFields.AddRange(
            [
                ("Policy file", Render.Cell(Path.GetFullPath(beside.SessionHost.PolicyFilePath) + " (values there override 'rdlic sessionhost config set')")),
                ("Admin token file", Render.Cell(Path.GetFullPath(beside.SessionHost.AdminTokenPath) + " (keep it secret; rdlic sessionhost and rdlic diagnose read it from there)")),
                ("Next", Render.Cell("./rdlic sessionhost config set --mode per-device, then ./rdlic connect --device kiosk-07")),
            ]);
            output.Fields(hostFields);
        }
        if (options.Clock == ClockMode.Simulated)
            output.Loud("WARNING: the clock is SIMULATED, dates are not real. Move it forward with './rdlic clock advance 91d'.");
        output.Line("Press Ctrl+C to stop.");
    }

    /// <summary>Where the RDP endpoint listens and how to point a real client at it (`rdlic up` and `rdlic sessionhost run`).</summary>
    public static (string, Text) RdpEndpointField(RdpListener rdp) => ("RDP endpoint", Render.Cell(
        $"{rdp.EndPoint} ({rdp.SecurityLayerName} security layer) for real RDP clients: xfreerdp /v:{rdp.EndPoint} /u:NAME /cert:ignore, or rdesktop {rdp.EndPoint}"));
}
