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

    public Option<string> Data { get; } = new("--data")
    {
        Description = "Data directory of `rdlic up`",
        HelpName = "DIR",
        Recursive = true,
        DefaultValueFactory = _ => DefaultDataDirectory,
    };

    public string DataDirectory(ParseResult result) => result.GetValue(Data) is { Length: > 0 } data ? data : DefaultDataDirectory;

    public LicenseServerClient Client(ParseResult result) =>
        new(Connection.Resolve(result.GetValue(Server), result.GetValue(Token), DataDirectory(result)));
}
