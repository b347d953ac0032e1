using System.Buffers.Binary;
using System.Net.Sockets;
using RdLicensing.Cli.Bench;
using RdLicensing.Rdp.Client;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Tests.Support;

namespace RdLicensing.Rdp.Tests.Robustness;

/// <summary>
/// Malformed input on the client's leg while the endpoint relays to a desktop (the benchmark's synthetic desktop,
/// which streams fast-path updates as xrdp paints): every PDU the client sends after its licensing (Confirm Active,
/// Synchronize, Control, Font List) goes through the relay's pump, so a mutated one reaches the pump's framing and,
/// under standard RDP security, the transcoding's MAC check. Whatever happens to that connection, another relayed
/// session streaming at the same time goes on undisturbed, the server never faults or hangs, and a clean client
/// reaches the desktop afterwards. Fixed seeds keep failures reproducible.
/// </summary>
public sealed class RelayRobustnessTests
{
    private const int MutationsPerStage = 8;
    private static readonly RdpClientStage[] RelayedStages = [RdpClientStage.ConfirmActive, RdpClientStage.Finalization];

    [Theory]
    [InlineData(RdpClientSecurity.Tls)]
    [InlineData(RdpClientSecurity.Rdp)]
    public async Task Malformed_client_input_while_relaying_ends_only_that_connection(RdpClientSecurity security)
    {
        await using var desktop = SyntheticDesktop.Start();
        await using var system = await RdpTestSystem.StartAsync(perDeviceCals: 2 * MutationsPerStage * RelayedStages.Length + 10, rdp: o =>
        {
            o.Desktops = [desktop.Uri];
            o.ReadTimeout = TimeSpan.FromSeconds(2);
            o.HandshakeTimeout = TimeSpan.FromSeconds(10);
        });

        // A bystander session streams the desktop's output for the whole test.
        long streamed = 0;
        using var stopStreaming = new CancellationTokenSource();
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bystander = new RdpLicensingClient(Options(system, security, "relay-bystander") with
        {
            Timeout = TimeSpan.FromMinutes(5),
            AfterActivation = async (session, token) =>
            {
                while (!stopStreaming.IsCancellationRequested)
                {
                    var size = await session.ReadAsync(token);
                    if (size == 0) throw new InvalidOperationException("the bystander's session was ended");
                    if (Interlocked.Add(ref streamed, size) > 100_000) streaming.TrySetResult();
                }
            },
        }).ConnectAsync();
        await streaming.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var random = new Random(security == RdpClientSecurity.Tls ? 12 : 13);
        var runs = RelayedStages.SelectMany(stage => Enumerable.Range(0, MutationsPerStage).Select(_ => (Stage: stage, Seed: random.Next()))).ToList();
        using var parallel = new SemaphoreSlim(4);
        var ended = await Task.WhenAll(runs.Select(async run =>
        {
            await parallel.WaitAsync();
            try { return await RunMutatedAsync(system, security, run.Stage, run.Seed); }
            finally { parallel.Release(); }
        }));

        Assert.Equal(0, system.Rdp.Faults);
        Assert.DoesNotContain(ended, e => e.StartsWith("HANG", StringComparison.Ordinal));
        Assert.DoesNotContain(ended, e => e.StartsWith("NOT MUTATED", StringComparison.Ordinal));
        // The relay itself ended connections (not only the desktop): the framing or MAC checks refused what it was given.
        Assert.True(system.Rdp.Failed > 0, string.Join("\n", ended));

        // The bystander streamed through it all and still streams.
        var before = Interlocked.Read(ref streamed);
        await WaitUntilAsync(() => Interlocked.Read(ref streamed) > before + 100_000, "the bystander still receives the desktop's output");
        Assert.False(bystander.IsCompleted, bystander.IsFaulted ? bystander.Exception!.ToString() : "the bystander's session ended");
        await stopStreaming.CancelAsync();
        var result = await bystander;
        Assert.True(result.ActivationCompleted);

        // A clean client afterwards reaches the desktop.
        var read = 0L;
        var clean = await new RdpLicensingClient(Options(system, security, "relay-after") with
        {
            AfterActivation = async (session, token) => read = await session.ReadAsync(token),
        }).ConnectAsync();
        Assert.True(clean.ActivationCompleted);
        Assert.True(read > 0);
    }

    private static async Task<string> RunMutatedAsync(RdpTestSystem system, RdpClientSecurity security, RdpClientStage target, int seed)
    {
        var random = new Random(seed);
        var mutated = false;
        var client = new RdpLicensingClient(Options(system, security, $"relay-fuzz-{seed % 10000}") with
        {
            Tamper = (stage, packet) =>
            {
                if (stage != target || mutated) return packet;
                mutated = true;
                return Mutate(packet, random);
            },
            // A mutation the desktop accepts: read a little of the session, then close.
            AfterActivation = async (session, token) => await session.ReadAsync(token),
        });
        try
        {
            var result = await client.ConnectAsync();
            return mutated ? $"{target}: {result.Outcome}, activation {(result.ActivationCompleted ? "completed" : "not completed")}" : $"NOT MUTATED at {target}";
        }
        catch (RdpTimeoutException e)
        {
            return $"HANG at {target}: {e.Message}";
        }
        catch (Exception e) when (e is RdpProtocolException or IOException or SocketException or OperationCanceledException or InvalidOperationException)
        {
            return $"{target}: ended ({e.GetType().Name}: {e.Message})";
        }
    }

    /// <summary>
    /// One of five mutations of a TPKT packet: bytes flipped, cut short, extended, replaced by noise (the TPKT length
    /// kept consistent, so the frame passes the framing and reaches what is behind it), or a first byte that starts
    /// neither a TPKT packet nor a fast-path PDU (the framing itself must refuse it).
    /// </summary>
    private static byte[] Mutate(byte[] packet, Random random)
    {
        if (packet.Length < 5 || packet[0] != 3) return packet;
        var body = packet[4..];
        switch (random.Next(5))
        {
            case 0:
                body = (byte[])body.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--) body[random.Next(body.Length)] ^= (byte)random.Next(1, 256);
                break;
            case 1:
                body = body[..random.Next(3, Math.Max(4, body.Length))];
                break;
            case 2:
                var extra = new byte[random.Next(1, 64)];
                random.NextBytes(extra);
                body = [.. body, .. extra];
                break;
            case 3:
                body = new byte[random.Next(3, Math.Min(body.Length * 2, 4000))];
                random.NextBytes(body);
                break;
            default:
                var garbage = (byte[])packet.Clone();
                garbage[0] = 0x07;
                return garbage;
        }
        var result = new byte[body.Length + 4];
        result[0] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(2), (ushort)result.Length);
        body.CopyTo(result, 4);
        return result;
    }

    private static RdpClientOptions Options(RdpTestSystem system, RdpClientSecurity security, string hostname) => new()
    {
        Port = system.Port,
        Security = security,
        ClientHostname = hostname,
        UserName = "alice",
        ReadTimeout = TimeSpan.FromSeconds(10),
        Timeout = TimeSpan.FromSeconds(40),
    };

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            if (timeout.IsCancellationRequested) throw new TimeoutException($"waited 60 s for {what}");
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
