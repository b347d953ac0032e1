using System.CommandLine;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer;

namespace RdLicensing.Cli.Commands;

/// <summary>The options `rdlic up` and `rdlic server run` share: clock, version, trusted clearinghouse.</summary>
internal sealed class ServerOptions
{
    public Option<string?> Clock { get; } = Options.OneOf("--clock", "real (default) or simulated: a clock tests and demos can move forward", "real", "simulated");

    public Option<string?> Version { get; } = Options.Version($"The Windows Server version this license server acts as (default {ProductVersions.Latest.ToShortName()})");

    public Option<string> ClearinghouseCert { get; } = Options.ExistingFile("--clearinghouse-cert",
        "PEM certificate of the clearinghouse whose key packs and activations this server trusts", required: false);

    public void AddTo(Command command)
    {
        command.Add(Clock);
        command.Add(Version);
        command.Add(ClearinghouseCert);
    }

    public LicenseServerOptions Build(ParseResult result, string dataDirectory, string urls, string? defaultClearinghouseCert) => new()
    {
        DataDirectory = dataDirectory,
        Urls = urls,
        Clock = result.GetValue(Clock) == "simulated" ? ClockMode.Simulated : ClockMode.Real,
        ProductVersion = result.GetValue(Version) is { } v ? ProductVersions.Parse(v) : ProductVersions.Latest,
        ClearinghouseCertificatePath = result.GetValue(ClearinghouseCert) is { } cert ? Path.GetFullPath(cert) : defaultClearinghouseCert,
    };
}
