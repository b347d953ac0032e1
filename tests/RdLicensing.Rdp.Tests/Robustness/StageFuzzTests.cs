using System.Buffers.Binary;
using System.Net.Sockets;
using RdLicensing.Rdp.Client;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Tests.Support;

namespace RdLicensing.Rdp.Tests.Robustness;

/// <summary>
/// Mutated PDUs at every stage of the sequence, sent by our client against the real endpoint: bytes flipped, the PDU
/// cut short or extended (with the TPKT length kept consistent, so the server must parse it), or its body replaced by
/// noise. Under TLS the mutations reach the parsers behind the security layer; under standard RDP security they also
/// hit the MAC checks. Whatever happens to one connection, the server never faults (every ending is a protocol error,
/// a timeout or a close), never hangs (each client gets an answer or a close well within its own timeout), and a clean
/// client is licensed afterwards. Fixed seeds keep failures reproducible.
/// </summary>
public sealed class StageFuzzTests
{
    private const int MutationsPerStage = 12;

    [Theory]
    [InlineData(RdpClientSecurity.Tls)]
    [InlineData(RdpClientSecurity.Rdp)]
    public async Task Mutated_PDUs_at_every_stage_end_only_their_own_connection(RdpClientSecurity security)
    {
        await using var system = await RdpTestSystem.StartAsync(perDeviceCals: 3, rdp: o =>
        {
            o.ReadTimeout = TimeSpan.FromSeconds(1);
            o.HandshakeTimeout = TimeSpan.FromSeconds(5);
        });
        var stored = (await Client(system, security, "fuzz-holder").ConnectAsync()).License;
        Assert.NotNull(stored);

        var random = new Random(security == RdpClientSecurity.Tls ? 5 : 6);
        var runs = new List<(RdpClientStage Stage, int Seed)>();
        foreach (var stage in Enum.GetValues<RdpClientStage>())
        {
            if (security == RdpClientSecurity.Tls && stage == RdpClientStage.SecurityExchange) continue; // no such PDU under TLS
            for (var i = 0; i < MutationsPerStage; i++) runs.Add((stage, random.Next()));
        }

        using var parallel = new SemaphoreSlim(16);
        var ended = await Task.WhenAll(runs.Select(async run =>
        {
            await parallel.WaitAsync();
            try { return await RunMutatedAsync(system, security, run.Stage, run.Seed, run.Stage == RdpClientStage.LicenseInfo ? stored : null); }
            finally { parallel.Release(); }
        }));

        Assert.Equal(0, system.Rdp.Faults);
        Assert.DoesNotContain(ended, e => e.StartsWith("HANG", StringComparison.Ordinal));
        Assert.DoesNotContain(ended, e => e.StartsWith("NOT MUTATED", StringComparison.Ordinal));
        var clean = await Client(system, security, "fuzz-after").ConnectAsync();
        Assert.Equal(RdpLicensingOutcome.NewLicense, clean.Outcome);
        Assert.True(clean.ActivationCompleted);
    }

    private static async Task<string> RunMutatedAsync(RdpTestSystem system, RdpClientSecurity security, RdpClientStage target, int seed, byte[]? stored)
    {
        var random = new Random(seed);
        var mutated = false;
        var client = new RdpLicensingClient(Options(system, security, $"fuzz-{seed % 1000}") with
        {
            StoredLicense = stored,
            Tamper = (stage, packet) =>
            {
                if (stage != target || mutated) return packet;
                mutated = true;
                return Mutate(packet, random);
            },
        });
        try
        {
            var result = await client.ConnectAsync();
            // A run whose stage never came went through unmutated: it would prove nothing about that stage.
            return mutated ? $"{target}: {result.Outcome}" : $"NOT MUTATED at {target}: {result.Outcome}";
        }
        catch (RdpTimeoutException e)
        {
            // The server reads each PDU within 1 s and closes at 5 s: a client still waiting after 8 s found it hung.
            return $"HANG at {target}: {e.Message}";
        }
        catch (Exception e) when (e is RdpProtocolException or IOException or SocketException or OperationCanceledException)
        {
            return $"{target}: ended ({e.GetType().Name})";
        }
    }

    /// <summary>One of four mutations of a TPKT packet; the TPKT length is rewritten to match, so the server parses it.</summary>
    private static byte[] Mutate(byte[] packet, Random random)
    {
        if (packet.Length < 5 || packet[0] != 3) return packet;
        var body = packet[4..];
        switch (random.Next(4))
        {
            case 0:
                body = (byte[])body.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--) body[random.Next(body.Length)] ^= (byte)random.Next(1, 256);
                break;
            case 1:
                body = body[..random.Next(0, body.Length)];
                break;
            case 2:
                var extra = new byte[random.Next(1, 64)];
                random.NextBytes(extra);
                body = [.. body, .. extra];
                break;
            default:
                body = new byte[random.Next(0, Math.Min(body.Length * 2, 4000))];
                random.NextBytes(body);
                break;
        }
        var result = new byte[body.Length + 4];
        result[0] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(2), (ushort)result.Length);
        body.CopyTo(result, 4);
        return result;
    }

    private static RdpLicensingClient Client(RdpTestSystem system, RdpClientSecurity security, string hostname) =>
        new(Options(system, security, hostname));

    private static RdpClientOptions Options(RdpTestSystem system, RdpClientSecurity security, string hostname) => new()
    {
        Port = system.Port,
        Security = security,
        ClientHostname = hostname,
        ReadTimeout = TimeSpan.FromSeconds(8),
        Timeout = TimeSpan.FromSeconds(30),
    };
}
