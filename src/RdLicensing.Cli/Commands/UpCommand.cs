using System.CommandLine;
using Microsoft.Extensions.Logging;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Hosting;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic up`: everything on this machine, on SQLite under --data, until Ctrl+C.</summary>
internal static class UpCommand
{
    public const int DefaultPort = 5080;

    public static Command Create(CliContext cli)
    {
        var port = Options.Int("--port", "PORT", $"Port on 127.0.0.1 (default {DefaultPort}; 0 picks a free port)", 0, 65535);
        var server = new ServerOptions();
        var command = new Command("up", "Run the license server on this machine, with its data under --data, until Ctrl+C") { port };
        server.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var data = Path.GetFullPath(cli.DataDirectory(result));
            var clearinghouse = Path.Combine(data, "clearinghouse", "clearinghouse.pem");
            var options = server.Build(result, Path.Combine(data, "license-server"), $"http://127.0.0.1:{result.GetValue(port) ?? DefaultPort}",
                File.Exists(clearinghouse) ? clearinghouse : null);
            return await ServerRunner.RunAsync(cli.Out, options, LogLevel.Warning, "--port (e.g. './rdlic up --port 5081', or --port 0 for any free port)",
                async (url, token) =>
                {
                    Connection.WriteSettings(data, url);
                    await StartupBanner.PrintAsync(cli.Out, options, url, token);
                }, ct);
        });
        return command;
    }
}
