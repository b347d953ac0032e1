using System.CommandLine;
using Microsoft.Extensions.Logging;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Hosting;
using RdLicensing.Clearinghouse;

namespace RdLicensing.Cli.Commands;

/// <summary>
/// `rdlic up`: everything on this machine, on SQLite under --data, until Ctrl+C — the clearinghouse
/// (&lt;data&gt;/clearinghouse) and the license server (&lt;data&gt;/license-server) trusting it.
/// </summary>
internal static class UpCommand
{
    public const int DefaultPort = 5080;
    public const int DefaultClearinghousePort = 5081;

    public static Command Create(CliContext cli)
    {
        var port = Options.Int("--port", "PORT", $"License server port on 127.0.0.1 (default {DefaultPort}; 0 picks a free port)", 0, 65535);
        var clearinghousePort = Options.Int("--clearinghouse-port", "PORT",
            $"Clearinghouse port on 127.0.0.1 (default {DefaultClearinghousePort}, or a free port with --port 0; 0 picks a free port)", 0, 65535);
        var server = new ServerOptions();
        var command = new Command("up", "Run the clearinghouse and the license server on this machine, with their data under --data, until Ctrl+C")
        {
            port, clearinghousePort,
        };
        server.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var data = Path.GetFullPath(cli.DataDirectory(result));
            var serverPort = result.GetValue(port) ?? DefaultPort;
            var chPort = result.GetValue(clearinghousePort) ?? (serverPort == 0 ? 0 : DefaultClearinghousePort);
            if (chPort != 0 && chPort == serverPort)
                throw new UsageException($"--port and --clearinghouse-port are both {serverPort}: the license server and the clearinghouse need a port each.");
            var clearinghouse = new ClearinghouseOptions { DataDirectory = Path.Combine(data, "clearinghouse"), Urls = $"http://127.0.0.1:{chPort}" };
            var options = server.Build(result, Path.Combine(data, "license-server"), $"http://127.0.0.1:{serverPort}", clearinghouse.CertificatePath);
            return await ServerRunner.RunAsync(cli.Out, options, LogLevel.Warning, "--port (e.g. './rdlic up --port 5090', or --port 0 for any free port)",
                async (url, token) =>
                {
                    Connection.WriteSettings(data, url);
                    ClearinghouseConnection.AddToSettings(data, options.ClearinghouseUrl!);
                    await StartupBanner.PrintAsync(cli.Out, options, url, token, clearinghouse);
                }, ct, clearinghouse);
        });
        return command;
    }
}
