using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Security;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Tests.Security;

/// <summary>
/// The endpoint builds each outgoing slow-path packet in one array (<see cref="McsDomain.SendDataIndicationPacket"/> +
/// <see cref="SecureChannel.WrapInto"/>): byte for byte what the layered builders give (security header, MCS Send Data
/// Indication, X.224, TPKT), and the client's channel reads it back — under TLS and standard RDP security, across the
/// one- and two-byte PER length forms and across a key update.
/// </summary>
public sealed class OutgoingPacketTests
{
    public static TheoryData<int> Lengths => [0, 1, 100, 119, 120, 123, 124, 127, 128, 1000, 16_000];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Equals_the_layered_packet_without_encryption(int length)
    {
        var payload = Payload(length);
        foreach (var header in new[] { false, true })
        {
            var channel = SecureChannel.ForServer();

            var single = Single(channel, payload, SecurityFlags.License, encrypt: false, header);

            Assert.Equal(McsDomain.SendDataIndication(1003, channel.Wrap(payload, SecurityFlags.License, encrypt: false, header)), single);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Equals_the_layered_packet_when_encrypted_and_the_client_reads_it(int length)
    {
        var keys = RdpSessionKeys.Derive(RdpSessionKeysTests.ClientRandom, RdpSessionKeysTests.ServerRandom, EncryptionMethod.Bits128);
        var layered = Server(keys);
        var single = Server(keys);
        var client = SecureChannel.ForClient();
        client.UseSessionKeys(keys);
        var payload = Payload(length);

        // Past 4,096 packets the key is updated: both paths must follow it alike.
        for (var i = 0; i < 4100; i++)
        {
            var salted = i % 2 == 0;
            var expected = McsDomain.SendDataIndication(1003, layered.Wrap(payload, SecurityFlags.None, encrypt: true, header: true, salted));
            var packet = Single(single, payload, SecurityFlags.None, encrypt: true, header: true, salted);
            if (i % 97 == 0 || i >= 4094) Assert.Equal(expected, packet);

            var pdu = McsDomain.Parse(Tpkt.DataPayload(packet.AsSpan(4)));
            Assert.Equal(payload, client.Unwrap(pdu.Data, hasHeader: true).Payload);
        }
    }

    [Fact]
    public void Refuses_a_destination_of_the_wrong_size_and_user_data_over_the_PER_limit()
    {
        var channel = SecureChannel.ForServer();

        Assert.Throws<ArgumentException>(() => channel.WrapInto(new byte[10], SecurityFlags.None, encrypt: false, header: true, new byte[10]));
        Assert.Throws<InvalidOperationException>(() => McsDomain.SendDataIndicationPacket(1003, 0x8000, out _));
        // Positive control: the largest PER length is built.
        Assert.Equal(0x7FFF + 15, McsDomain.SendDataIndicationPacket(1003, 0x7FFF, out var offset).Length);
        Assert.Equal(15, offset);
    }

    private static byte[] Single(SecureChannel channel, byte[] payload, SecurityFlags flags, bool encrypt, bool header, bool salted = false)
    {
        var length = channel.WrappedLength(payload.Length, encrypt, header);
        var packet = McsDomain.SendDataIndicationPacket(1003, length, out var offset);
        channel.WrapInto(payload, flags, encrypt, header, packet.AsSpan(offset, length), salted);
        return packet;
    }

    private static SecureChannel Server(RdpSessionKeys keys)
    {
        var channel = SecureChannel.ForServer();
        channel.UseSessionKeys(keys);
        return channel;
    }

    private static byte[] Payload(int length)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        return payload;
    }
}
