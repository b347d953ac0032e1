using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Tests.Robustness;

/// <summary>
/// Every parser the server runs on client bytes, fed random buffers, every truncation and byte-flipped copies of a
/// valid PDU: the only failure allowed is <see cref="RdpProtocolException"/> (which ends that one connection with its
/// reason), never an IndexOutOfRange, an overflow or an endless loop. Fixed seeds keep failures reproducible.
/// </summary>
public sealed class ParserFuzzTests
{
    private delegate void Parser(byte[] input);

    public static TheoryData<string> Parsers => [.. ServerParsers.Keys];

    private static readonly Dictionary<string, (Parser Parse, byte[] Valid)> ServerParsers = new()
    {
        ["X.224 Connection Request"] = (b => X224ConnectionRequest.Parse(b), Payload(new X224ConnectionRequest("Cookie: mstshash=alice", SecurityProtocols.Tls | SecurityProtocols.Hybrid).ToBytes())),
        ["MCS Connect Initial + GCC + client data"] = (b => ClientDataBlocks.Parse(Gcc.ClientBlocks(McsConnect.InitialUserData(b))), ConnectInitial()),
        ["client data blocks"] = (b => ClientDataBlocks.Parse(b), ClientBlocks()),
        ["MCS domain PDU"] = (b => McsDomain.Parse(b), Tpkt.DataPayload(Payload(McsDomain.SendDataRequest(1007, 1003, new byte[300]))).ToArray()),
        ["Client Info"] = (b => ClientInfo.Parse(b), ClientInfo.Build("CONTOSO", "alice", "secret")),
        ["share control"] = (b => ShareControl.Parse(b), ShareControl.ConfirmActive(1007)),
        ["X.224 Data"] = (b => Tpkt.DataPayload(b), Payload(McsDomain.AttachUserRequest())),
    };

    [Theory, MemberData(nameof(Parsers))]
    public void Random_truncated_and_mutated_input_only_ever_raises_a_protocol_error(string name)
    {
        var (parse, valid) = ServerParsers[name];
        parse(valid); // the sample itself is well formed
        var random = new Random(name.Length * 7919);
        var inputs = new List<byte[]>();
        for (var length = 0; length < valid.Length; length++) inputs.Add(valid[..length]);
        for (var i = 0; i < 2000; i++)
        {
            var mutated = (byte[])valid.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--) mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            inputs.Add(mutated);
            var noise = new byte[random.Next(0, 600)];
            random.NextBytes(noise);
            inputs.Add(noise);
        }

        foreach (var input in inputs)
        {
            try
            {
                parse(input);
            }
            catch (RdpProtocolException)
            {
                // The expected way to reject it.
            }
            catch (Exception e)
            {
                Assert.Fail($"{name}: {e.GetType().Name} ({e.Message}) on input {Convert.ToHexString(input)}");
            }
        }
    }

    private static byte[] Payload(byte[] tpkt) => tpkt[4..];

    private static byte[] ClientBlocks() =>
        new ClientDataBlocks(0x00080004, "kiosk-07", 2600, 0x1b, 0, [new StaticChannel("rdpsnd", 0xc0000000), new StaticChannel("cliprdr", 0xc0a00000)], false, SecurityProtocols.Rdp).ToBytes();

    private static byte[] ConnectInitial() => McsConnect.Initial(Gcc.ConferenceCreateRequest(ClientBlocks()));
}
