using System.CommandLine;
using System.Globalization;
using RdLicensing.Cli.Bench;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Rdp.Client;

namespace RdLicensing.Cli.Commands;

/// <summary>
/// `rdlic bench rdp`: full RDP licensing exchanges per second over loopback, measured with our own RDP licensing
/// client — against a throwaway system started in this process, or against a running endpoint (--endpoint).
/// A benchmark, not a test: it reports figures and fails only when exchanges fail. `rdlic bench licensing` and
/// `rdlic bench verify` (the license server's HTTP API under load) are in <see cref="LicensingBenchCommand"/>, `rdlic bench crash`
/// (kill -9 under load, then the invariants) in <see cref="CrashTestCommand"/>.
/// </summary>
internal static class BenchCommands
{
    public const int DefaultDevices = 200;
    public const int MaxDevices = 99_999;
    public const int MaxInFlight = 1024;
    public const int MaxInFlightValues = 8;
    public const int DefaultCrowd = 1000;
    public const int MaxCrowd = 5000;
    private static readonly int[] DefaultInFlight = [1, 64];

    public static Command Create(CliContext cli) => new("bench", "Measure how fast the licensing services answer")
    {
        Rdp(cli), RelayBenchCommand.Create(cli), LicensingBenchCommand.Create(cli), LicensingBenchCommand.Verify(cli), CrashTestCommand.Create(cli),
    };

    private static Command Rdp(CliContext cli)
    {
        var devices = Options.Int("--devices", "N", $"Client devices per phase and in-flight value (default {DefaultDevices})", 1, MaxDevices);
        var inFlight = InFlightOption();
        var security = Options.OneOf("--security", "rdp (standard RDP security, default) or tls", "rdp", "tls");
        var endpoint = Options.Checked("--endpoint", "HOST:PORT",
            "Measure this running RDP endpoint (first-connection and returning phases) instead of a throwaway system started in this process",
            Endpoint, "--endpoint must be HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:3389");
        var crowd = Options.Int("--crowd", "N", $"Then N new devices connecting all at once, every one of which must succeed (default {DefaultCrowd}; 0 skips it)", 0, MaxCrowd);
        var settle = LicensingBenchCommand.Duration("--settle",
            "Before measuring, untimed rounds of every phase until this process's code has finished compiling, for at most this long (default 1m; 0s to skip)",
            allowZero: true);
        var json = Options.Flag("--json", "Print the results as JSON and nothing else");
        var command = new Command("rdp", "Full RDP licensing exchanges per second (first connection, returning, valid permanent CAL) against bare connections in the same run, N connections at once, and the private RSA operation against OpenSSL")
        {
            devices, inFlight, security, endpoint, crowd, settle, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var deviceCount = result.GetValue(devices) ?? DefaultDevices;
            var inFlightValues = result.GetValue(inFlight) is { Length: > 0 } given ? given : DefaultInFlight;
            var layer = result.GetValue(security) ?? "rdp";
            var crowdSize = result.GetValue(crowd) ?? DefaultCrowd;
            var settleLimit = result.GetValue(settle) ?? ServerSettling.DefaultLimit;
            var template = new RdpClientOptions { UserName = "bench", Security = layer == "tls" ? RdpClientSecurity.Tls : RdpClientSecurity.Rdp };

            // Only the in-process system's answers are known in advance: there each phase must get its own outcome.
            async Task<BenchReport> MeasureAsync(string host, int port, string shown, bool inProcess, BenchPhase[] phases, CancellationToken token)
            {
                var benchmark = new RdpBenchmark(template with { Host = host, Port = port }, deviceCount, strictOutcomes: inProcess);
                var warmUp = await benchmark.WarmUpAsync(phases, inProcess ? Environment.ProcessId : null, settleLimit, token);
                var (bare, measured) = await benchmark.RunAsync(inFlightValues, phases, token);
                var crowded = crowdSize > 0 ? await benchmark.RunCrowdAsync(crowdSize, token) : null;
                return new BenchReport(shown, layer, inProcess ? "in-process" : "external", deviceCount, measured)
                {
                    Bare = bare,
                    Crowd = crowded,
                    WarmUp = warmUp,
                    // Same process as the endpoint: its own operation and OpenSSL's, same key, same cores.
                    Rsa = inProcess ? RsaFigure.Measure(TimeSpan.FromSeconds(2)) : null,
                };
            }

            BenchReport report;
            if (result.GetValue(endpoint) is { } target)
            {
                var (host, port) = Split(target);
                report = await MeasureAsync(host, port, target, inProcess: false, [RdpBenchmark.AnyFirstConnection, RdpBenchmark.AnyReturning], ct);
            }
            else
            {
                // Each in-flight value has its own devices, and each of them ends with a permanent CAL.
                var cals = deviceCount * inFlightValues.Length + crowdSize + RdpBenchmark.WarmUpDevices * RdpBenchmark.MaxWarmUpRounds;
                if (cals > KeyPackGrant.MaxQuantity) throw new UsageException($"--devices × the number of --in-flight values + --crowd needs {cals} CALs (the warm-up's {RdpBenchmark.WarmUpDevices * RdpBenchmark.MaxWarmUpRounds} included), more than the {KeyPackGrant.MaxQuantity} one key pack holds.");
                report = await BenchSystem.RunAsync(cals, (rdp, token) => MeasureAsync($"{rdp.Address}", rdp.Port, $"{rdp}", inProcess: true,
                    [RdpBenchmark.FirstConnection, RdpBenchmark.Returning, RdpBenchmark.ValidPermanent], token), ct);
            }

            if (result.GetValue(json)) report.PrintJson(cli.Out);
            else report.Print(cli.Out);
            var total = report.Phases.Sum(p => p.Exchanges) + report.Bare.Sum(p => p.Exchanges) + (report.Crowd?.Exchanges ?? 0);
            if (report.Failures > 0) throw new CliException($"{report.Failures} of {total} exchanges failed (see the Failures column and the reasons above).");
            return 0;
        });
        return command;
    }

    /// <summary>--in-flight 16, or several values to compare: --in-flight 1,16,64.</summary>
    private static Option<int[]?> InFlightOption() => new("--in-flight")
    {
        Description = "Connections in flight at once; several comma-separated values run one after the other, e.g. 1,16,64 (default 1,64)",
        HelpName = "K[,K...]",
        CustomParser = result =>
        {
            var texts = result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.TrimEntries)).ToList();
            var values = new List<int>();
            foreach (var text in texts)
            {
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1 || value > MaxInFlight)
                {
                    result.AddError($"--in-flight must be whole numbers from 1 to {MaxInFlight}, comma-separated (e.g. 1,16,64), not '{text}'");
                    return null;
                }
                if (!values.Contains(value)) values.Add(value);
            }
            if (values.Count is 0 or > MaxInFlightValues)
            {
                result.AddError($"--in-flight takes 1 to {MaxInFlightValues} values, e.g. 1,16,64");
                return null;
            }
            return [.. values];
        },
    };

    /// <summary>HOST:PORT (an IPv6 address in brackets: [::1]:3389), or null when it is not one.</summary>
    private static string? Endpoint(string text)
    {
        text = text.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0) return null;
        var host = text[..colon];
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535) return null;
        if (host.StartsWith('[') != host.EndsWith(']') || host.Trim('[', ']').Length == 0 || host.Any(char.IsWhiteSpace)) return null;
        return text;
    }

    private static (string Host, int Port) Split(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return (endpoint[..colon].Trim('[', ']'), int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture));
    }
}
