using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Tests.Licensing;

/// <summary>
/// Whatever bytes arrive, every licensing parser either returns or throws <see cref="RdpProtocolException"/>:
/// never an IndexOutOfRange, Argument or Overflow exception that would escape the connection's error handling.
/// </summary>
public sealed class LicensingFuzzTests
{
    private static readonly (string Name, Func<byte[], object> Parse)[] Parsers =
    [
        ("LicensingPdu", b => LicensingPdu.Parse(b)),
        ("LicensingPreamble.Parse", b => LicensingPreamble.Parse(b)),
        ("LicensingPreamble.Peek", b => LicensingPreamble.Peek(b)),
        ("ServerLicenseRequest", b => ServerLicenseRequest.Parse(b)),
        ("ServerPlatformChallenge", b => ServerPlatformChallenge.Parse(b)),
        ("ServerNewLicense", b => ServerNewLicense.Parse(b)),
        ("LicensingErrorAlert", b => LicensingErrorAlert.Parse(b)),
        ("ClientNewLicenseRequest", b => ClientNewLicenseRequest.Parse(b)),
        ("ClientLicenseInfo", b => ClientLicenseInfo.Parse(b)),
        ("ClientPlatformChallengeResponse", b => ClientPlatformChallengeResponse.Parse(b)),
        ("NewLicenseInfo", b => NewLicenseInfo.Parse(b)),
        ("PlatformChallengeResponseData", b => PlatformChallengeResponseData.Parse(b)),
        ("ClientHardwareId", b => ClientHardwareId.Parse(b)),
    ];

    private static readonly LicensingMessageType[] MessageTypes = Enum.GetValues<LicensingMessageType>();

    /// <summary>Valid inputs, each with the parser meant for it (the dispatcher for whole licensing PDUs).</summary>
    private static (byte[] Bytes, Func<byte[], object> Parse)[] ValidInputs() =>
    [
        (SpecExamples.ServerLicenseRequest, b => LicensingPdu.Parse(b)),
        (SpecExamples.ClientNewLicenseRequest, b => LicensingPdu.Parse(b)),
        (SpecExamples.ClientLicenseInfo, b => LicensingPdu.Parse(b)),
        (SpecExamples.ServerPlatformChallenge, b => LicensingPdu.Parse(b)),
        (SpecExamples.ClientPlatformChallengeResponse, b => LicensingPdu.Parse(b)),
        (SpecExamples.ServerNewLicense, b => LicensingPdu.Parse(b)),
        (new ServerNewLicense(TestBytes.Sequence(30), TestBytes.Sequence(16)) { IsUpgrade = true }.ToBytes(), b => LicensingPdu.Parse(b)),
        (LicensingErrorAlert.ValidClient.ToBytes(), b => LicensingPdu.Parse(b)),
        (new LicensingErrorAlert(LicenseErrorCode.InvalidMac, LicenseStateTransition.TotalAbort) { ErrorInfo = [1, 2, 3] }.ToBytes(), b => LicensingPdu.Parse(b)),
        (new NewLicenseInfo(0x00060000, "microsoft.com", "Microsoft Corporation", "A02", TestBytes.Sequence(40)).ToBytes(), b => NewLicenseInfo.Parse(b)),
        (new PlatformChallengeResponseData(0x0100, 3, TestBytes.Utf16Z("TEST")).ToBytes(), b => PlatformChallengeResponseData.Parse(b)),
        (Hex.Bytes("02000000 f159873e c9d898af 2402f8f3 293af026"), b => ClientHardwareId.Parse(b)),
    ];

    [Fact]
    public void Every_truncation_of_a_valid_input_is_a_protocol_error()
    {
        foreach (var (bytes, parse) in ValidInputs())
        {
            var hasPreamble = parse(bytes) is ILicensingPdu;
            for (var length = 0; length < bytes.Length; length++)
            {
                var truncated = bytes[..length];
                Assert.Throws<RdpProtocolException>(() => parse(truncated));
                // With wMsgSize patched to match, the message parsers meet the cut themselves.
                if (hasPreamble && length >= LicensingPreamble.Size)
                    Assert.Throws<RdpProtocolException>(() => parse(TestBytes.WithMessageSize(truncated)));
            }
        }
    }

    [Fact]
    public void Random_bytes_only_ever_produce_protocol_errors()
    {
        var random = new Random(20240611);
        for (var i = 0; i < 6_000; i++)
        {
            var bytes = new byte[random.Next(0, 96)];
            random.NextBytes(bytes);
            if (bytes.Length >= 4 && i % 2 == 0)
            {
                // Half get a plausible preamble, so the body parsers see them.
                bytes[0] = (byte)MessageTypes[random.Next(MessageTypes.Length)];
                bytes = TestBytes.WithMessageSize(bytes);
            }
            ParseEverywhere(bytes);
        }
    }

    [Fact]
    public void Corrupted_valid_inputs_only_ever_produce_protocol_errors()
    {
        var random = new Random(1_000_003);
        foreach (var (bytes, _) in ValidInputs())
            for (var i = 0; i < 100; i++)
            {
                var corrupted = bytes.ToArray();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                    corrupted[random.Next(corrupted.Length)] = (byte)random.Next(256);
                ParseEverywhere(corrupted);
                ParseEverywhere(TestBytes.WithMessageSize(corrupted));
            }
    }

    private static void ParseEverywhere(byte[] input)
    {
        foreach (var (name, parse) in Parsers)
        {
            try
            {
                parse(input);
            }
            catch (RdpProtocolException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"{name} threw {e.GetType().Name} instead of RdpProtocolException for {Convert.ToHexString(input)}: {e}");
            }
        }
    }
}
