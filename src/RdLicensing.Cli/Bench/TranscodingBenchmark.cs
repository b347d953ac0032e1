using System.Diagnostics;
using System.Security.Cryptography;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Relay;
using RdLicensing.Rdp.Security;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// What standard RDP security costs the relay alone, without sockets: the synthetic desktop's fast-path updates
/// encrypted and signed for the client by <see cref="RelaySecurity.BackendToClient"/> (128-bit RC4, salted MAC, key
/// updates every 4,096 PDUs) on one thread for a fixed time. The ceiling of a relayed `--security rdp` session.
/// </summary>
internal sealed record TranscodingResult(string Method, int PduBytes, long Pdus, long Bytes, double Seconds, double BytesPerSecond, double CpuMsPerMb);

internal static class TranscodingBenchmark
{
    public static TranscodingResult Run(TimeProvider clock, TimeSpan duration)
    {
        var keys = RdpSessionKeys.Derive(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), EncryptionMethod.Bits128);
        var channel = SecureChannel.ForServer();
        channel.UseSessionKeys(keys);
        var relay = new RelaySecurity(channel, ioChannel: 1003) { SaltedOutput = true };
        var body = new byte[SyntheticDesktop.UpdateBytes];
        RandomNumberGenerator.Fill(body);
        var frame = new RdpFrame(true, body, 0x00);

        long pdus = 0;
        var cpuBefore = ProcessCpu();
        var started = clock.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * clock.TimestampFrequency);
        while (clock.GetTimestamp() < end)
        {
            relay.BackendToClient(frame);
            pdus++;
        }
        var seconds = clock.GetElapsedTime(started).TotalSeconds;
        var cpu = (ProcessCpu() - cpuBefore).TotalSeconds;
        var bytes = pdus * body.Length;
        return new TranscodingResult("128-bit RC4, salted MAC", body.Length, pdus, bytes, Math.Round(seconds, 3),
            Math.Round(bytes / seconds), bytes > 0 ? Math.Round(cpu * 1000 / (bytes / 1_000_000.0), 2) : 0);
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
