using RdLicensing.SessionHost.Rdp;
using System.CommandLine;
using Microsoft.Extensions.Logging;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Hosting;
using RdLicensing.Clearinghouse;
using RdLicensing.Rdp;
using RdLicensing.SessionHost;
using RdLicensing.Clearinghouse.Hosting;
using RdLicensing.LicenseServer.Configuration;
using RdLicensing.SessionHost.Configuration;

namespace RdLicensing.Cli.Commands;

/// <summary>
/// `rdlic up`: everything on this machine, on SQLite under --data, until Ctrl+C — the clearinghouse
/// (&lt;data&gt;/clearinghouse), the license server (&lt;data&gt;/license-server) trusting it, and a session host
/// (&lt;data&gt;/sessionhost) enrolled with the license server, with its RDP endpoint for real RDP clients.
/// </summary>
internal static class UpCommand
{
    public const int DefaultPort = 5080;
    public const int DefaultClearinghousePort = 5081;
    public const int DefaultSessionHostPort = 5082;

    public static Command Create(CliContext cli)
    {
        var port = Options.Int("--port", "PORT", $"License server port on 127.0.0.1 (default {DefaultPort}; 0 picks a free port)", 0, 65535);
        var clearinghousePort = Options.Int("--clearinghouse-port", "PORT",
            $"Clearinghouse port on 127.0.0.1 (default {DefaultClearinghousePort}, or a free port with --port 0; 0 picks a free port)", 0, 65535);
        var sessionHostPort = Options.Int("--sessionhost-port", "PORT",
            $"Session host port on 127.0.0.1 (default {DefaultSessionHostPort}, or a free port with --port 0; 0 picks a free port)", 0, 65535);
        var rdpPort = Options.Int("--rdp-port", "PORT", "The session host's RDP endpoint port on 127.0.0.1 for real RDP clients (default: a free port, printed at start)", 0, 65535);
        var rdpSecurity = SessionHostCommands.RdpSecurityOption();
        var desktops = Options.Desktops();
        var server = new ServerOptions();
        var config = ServiceConfigurationFlags.ConfigOption();
        var command = new Command("up", "Run the clearinghouse, the license server and a session host on this machine, with their data under --data, until Ctrl+C")
        {
            port, clearinghousePort, sessionHostPort, rdpPort, rdpSecurity, desktops, config,
        };
        server.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var data = Path.GetFullPath(cli.ServicesDataDirectory(result));
            var serverPort = result.GetValue(port) ?? DefaultPort;
            var chPort = result.GetValue(clearinghousePort) ?? (serverPort == 0 ? 0 : DefaultClearinghousePort);
            var shPort = result.GetValue(sessionHostPort) ?? (serverPort == 0 ? 0 : DefaultSessionHostPort);
            var fixedPorts = new[] { serverPort, chPort, shPort }.Where(p => p != 0).ToList();
            if (fixedPorts.Count != fixedPorts.Distinct().Count())
                throw new UsageException("--port, --clearinghouse-port and --sessionhost-port must differ: each service needs its own port.");
            // The same keys as each service run alone (docs/OPERATIONS.md): these defaults, then <data>/rdlicensing.json or --config,
            // RDLIC_<Section>__<Key> variables, and the flags given here.
            var configuration = ServiceConfigurationFlags.Build(cli, result, config, new Dictionary<string, string?>
                {
                    ["LicenseServer:DataDirectory"] = Path.Combine(data, "license-server"),
                    ["LicenseServer:Urls"] = $"http://127.0.0.1:{serverPort}",
                    ["Clearinghouse:DataDirectory"] = Path.Combine(data, "clearinghouse"),
                    ["Clearinghouse:Urls"] = $"http://127.0.0.1:{chPort}",
                    ["SessionHost:DataDirectory"] = Path.Combine(data, "sessionhost"),
                    ["SessionHost:Urls"] = $"http://127.0.0.1:{shPort}",
                    ["SessionHost:Rdp:Port"] = "0",
                },
                [
                    .. ServiceConfigurationFlags.Flag(result, server.Clock, "LicenseServer:Clock"),
                    .. ServiceConfigurationFlags.Flag(result, server.Version, "LicenseServer:Version"),
                    .. ServiceConfigurationFlags.Flag(result, server.ClearinghouseCert, "LicenseServer:Clearinghouse:Certificate"),
                    .. ServiceConfigurationFlags.Flag(result, rdpPort, "SessionHost:Rdp:Port"),
                    .. ServiceConfigurationFlags.Flag(result, rdpSecurity, "SessionHost:Rdp:Security"),
                    .. ServiceConfigurationFlags.Flag(result, desktops, "SessionHost:Rdp:Desktops"),
                ]);
            var clearinghouse = ServiceConfigurationFlags.Configured(() => ClearinghouseConfiguration.Load(configuration));
            var (sessionHost, rdp) = ServiceConfigurationFlags.Configured(() => SessionHostSettings.Load(configuration));
            var beside = new BesideServices(clearinghouse, sessionHost, rdp);
            var options = ServiceConfigurationFlags.Configured(() => LicenseServerConfiguration.Load(configuration));
            // Under up, the license server trusts the clearinghouse beside it unless told otherwise (its certificate is made at its first start).
            options.ClearinghouseCertificatePath ??= beside.Clearinghouse.CertificatePath;
            return await ServerRunner.RunAsync(cli.Out, options, LogLevel.Warning, "--port (e.g. './rdlic up --port 5090', or --port 0 for any free port)",
                async (running, token) =>
                {
                    Connection.WriteSettings(data, running.LicenseServer, running.Clearinghouse, running.SessionHost);
                    RecordForAnywhere(cli, data);
                    await StartupBanner.PrintAsync(cli.Out, options, running, token, beside);
                }, ct, beside);
        });
        return command;
    }

    /// <summary>Records the data directory in the per-user file, so rdlic run from any folder finds these services; a failure only warns.</summary>
    private static void RecordForAnywhere(CliContext cli, string data)
    {
        try
        {
            UserConfig.Write(data);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            cli.Error.WriteLine($"rdlic: warning: could not record the data directory in {UserConfig.FilePath} ({e.Message.TrimEnd('.')}): from another folder, use --data {data} or RDLIC_HOME.");
        }
    }
}
