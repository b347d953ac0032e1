using System.CommandLine;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Output;

namespace RdLicensing.Cli;

/// <summary>One run of rdlic: where it writes, and the global options every command inherits.</summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr)
{
    public const string DefaultDataDirectory = "./data";

    public Render Out { get; } = new(stdout);

    public TextWriter Error { get; } = stderr;

    public Option<string?> Server { get; } = new("--server")
    {
        Description = "License server URL (default: RDLIC_SERVER, else <data>/rdlic.json, else http://127.0.0.1:5080)",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Administrator token (default: RDLIC_TOKEN, else <data>/license-server/admin.token)",
        HelpName = "TOKEN",
        Recursive = true,
    };

    public Option<string?> Data { get; } = new("--data")
    {
        Description = "Data directory of `rdlic up` (default: RDLIC_HOME, else ./data; commands calling the services also look in the one `rdlic up` last recorded in ~/.config/rdlicensing/cli.json)",
        HelpName = "DIR",
        Recursive = true,
    };

    /// <summary>The data directory: where a command calling the services finds their addresses and tokens (see <see cref="UserConfig"/>).</summary>
    public string DataDirectory(ParseResult result) => UserConfig.ForClients(result.GetValue(Data));

    /// <summary>The data directory a command that runs services keeps them in: --data, RDLIC_HOME or ./data (never another folder's).</summary>
    public string ServicesDataDirectory(ParseResult result) => UserConfig.ForServices(result.GetValue(Data));

    public LicenseServerClient Client(ParseResult result) =>
        new(Connection.Resolve(result.GetValue(Server), result.GetValue(Token), DataDirectory(result)));
}
