using System.CommandLine;
using RdLicensing.Cli.Commands;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Rdp.Client;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// `rdlic bench relay`: bytes/s of a synthetic streaming desktop read directly and through a session host started in
/// this process with `--desktop` pointing at it (<c>RdpEndpointOptions.Desktops</c>), side by side in one
/// run, with the CPU per MB and a storm of relayed sessions at once. A benchmark, not a test: it fails only when
/// sessions fail or the gateway relays nothing.
/// </summary>
internal static class RelayBenchCommand
{
    public const int DefaultSeconds = 5;
    public const int DefaultStreams = 4;
    public const int DefaultSessions = 200;

    /// <summary>What each of the storm's sessions reads before it closes: 16 updates of the synthetic desktop.</summary>
    public const long SessionBytes = 16L * SyntheticDesktop.UpdateBytes;

    public static Command Create(CliContext cli)
    {
        var seconds = Options.Int("--seconds", "S", $"How long each path is read, after every stream finished its connection sequence (default {DefaultSeconds})", 1, 600);
        var streams = Options.Int("--streams", "N", $"Sessions read at once on each path (default {DefaultStreams})", 1, 64);
        var sessions = Options.Int("--sessions", "N", $"Relayed sessions opened at once after the streaming, each reading {SessionBytes / 1024} KiB; 0 skips (default {DefaultSessions})", 0, 1000);
        var security = Options.OneOf("--security", "the client's leg to the gateway: tls (default) or rdp (standard RDP security, transcoded by the gateway)", "tls", "rdp");
        var directOnly = Options.Flag("--direct-only", "Measure only the direct path to the synthetic desktop (no gateway)");
        var json = Options.Flag("--json", "Print the results as JSON and nothing else");
        var command = new Command("relay", "RDP relay throughput: a synthetic desktop's output read directly and through the gateway (--desktop), side by side; CPU per MB; many relayed sessions at once")
        {
            seconds, streams, sessions, security, directOnly, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var window = TimeSpan.FromSeconds(result.GetValue(seconds) ?? DefaultSeconds);
            var streamCount = result.GetValue(streams) ?? DefaultStreams;
            var sessionCount = result.GetValue(sessions) ?? DefaultSessions;
            var layer = result.GetValue(security) ?? "tls";
            var clientSecurity = layer == "rdp" ? RdpClientSecurity.Rdp : RdpClientSecurity.Tls;
            var template = new RdpClientOptions { UserName = "bench" };

            await using var desktop = SyntheticDesktop.Start();
            var bench = new RelayBenchmark(TimeProvider.System);
            // The desktop is TLS only, as xrdp behind a gateway: the direct path is always TLS.
            var direct = await bench.StreamAsync("direct", "127.0.0.1", desktop.EndPoint.Port, streamCount, window, template with { Security = RdpClientSecurity.Tls }, ct);
            if (direct.Bytes == 0)
                throw new CliException($"the direct path to the synthetic desktop moved no bytes ({string.Join("; ", direct.FailureReasons)}).");

            RelayStreamResult? gateway = null;
            RelaySessionsResult? storm = null;
            string? problem = null;
            if (!result.GetValue(directOnly))
            {
                var cals = streamCount + sessionCount;
                if (cals > KeyPackGrant.MaxQuantity) throw new UsageException($"--streams + --sessions needs {cals} CALs, more than the {KeyPackGrant.MaxQuantity} one key pack holds.");
                (gateway, storm) = await BenchSystem.RunAsync(cals, async (rdp, token) =>
                {
                    var host = rdp.Address.ToString();
                    var relayed = await bench.StreamAsync("gateway", host, rdp.Port, streamCount, window, template with { Security = clientSecurity }, token);
                    if (relayed.Bytes == 0) return (relayed, (RelaySessionsResult?)null);
                    var many = sessionCount == 0 ? null : await bench.SessionsAsync(host, rdp.Port, sessionCount, SessionBytes, template with { Security = clientSecurity }, token);
                    return (relayed, many);
                }, ct, [desktop.Uri]);
                if (gateway.Bytes == 0)
                    problem = $"The gateway relayed no desktop output ({string.Join("; ", gateway.FailureReasons)}). Its endpoint was started with --desktop {desktop.Address}: "
                        + "a build without the relay (issue 12) licenses and then disconnects, so there is nothing to compare.";
            }

            var ratio = gateway is { Bytes: > 0 } ? Math.Round(gateway.BytesPerSecond / direct.BytesPerSecond, 3) : (double?)null;
            var extraCpu = gateway is { Bytes: > 0 } ? Math.Round(gateway.CpuMsPerMb - direct.CpuMsPerMb, 2) : (double?)null;
            var transcoding = TranscodingBenchmark.Run(TimeProvider.System, TimeSpan.FromSeconds(1));
            var report = new RelayBenchReport(desktop.Address, layer, streamCount, window.TotalSeconds, direct, gateway, ratio, extraCpu, storm, transcoding, problem);
            if (result.GetValue(json)) report.PrintJson(cli.Out);
            else report.Print(cli.Out);

            if (problem is not null) throw new CliException("the gateway relayed no desktop output: is the relay (--desktop, issue 12) in this build? (see above)");
            var failed = direct.Failures + (gateway?.Failures ?? 0) + (storm?.Failures ?? 0);
            if (failed > 0) throw new CliException($"{failed} session(s) failed (see the reasons above).");
            return 0;
        });
        return command;
    }
}
