using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Tests.Licensing;

public sealed class ClientHardwareIdTests
{
    // MS-RDPELE 4.5, the decrypted CLIENT_HARDWARE_ID of its annotation: PlatformId 2, then Data1..Data4.
    private static readonly byte[] SpecHardwareId = Hex.Bytes("02000000 f159873e c9d898af 2402f8f3 293af026");

    [Fact]
    public void Parses_the_spec_example()
    {
        var hwid = ClientHardwareId.Parse(SpecHardwareId);

        Assert.Equal(2u, hwid.PlatformId);
        Assert.Equal(SpecHardwareId[4..], hwid.Data);
        Assert.Equal(SpecHardwareId, hwid.ToBytes());
    }

    [Fact]
    public void The_identity_is_the_data_bytes_in_wire_order_as_four_hex_groups()
    {
        Assert.Equal("F159873E-C9D898AF-2402F8F3-293AF026", ClientHardwareId.Parse(SpecHardwareId).ToIdentityString());
    }

    [Fact]
    public void The_identity_ignores_the_platform_id()
    {
        // rdesktop sends PlatformId 0xFF010000 in one message and 0x02010000 in another (reference pitfall 4).
        var first = new ClientHardwareId(0xFF010000, SpecHardwareId[4..]);
        var second = new ClientHardwareId(0x02010000, SpecHardwareId[4..]);

        Assert.Equal(first.ToIdentityString(), second.ToIdentityString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(21)]
    public void Any_other_length_is_rejected(int length)
    {
        var error = Assert.Throws<RdpProtocolException>(() => ClientHardwareId.Parse(new byte[length]));

        Assert.Contains("CLIENT_HARDWARE_ID", error.Message);
    }

    [Fact]
    public void Writing_refuses_data_of_the_wrong_size()
    {
        var hwid = new ClientHardwareId(2, new byte[15]);

        Assert.Throws<InvalidOperationException>(() => hwid.ToBytes());
        Assert.Throws<InvalidOperationException>(() => hwid.ToIdentityString());
    }
}
