using RdLicensing.Rdp.Relay;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Tests.Relay;

/// <summary>What the relay rewrites in the GCC blocks, and nothing else.</summary>
public sealed class RelayBlocksTests
{
    private static readonly ClientDataBlocks Client = new(0x00080004, "kiosk-07", 2600, 0x3, 0, [new StaticChannel("cliprdr", 0xC0A00000), new StaticChannel("rdpsnd", 0xC0000000)], false, SecurityProtocols.Rdp);

    [Fact]
    public void Towards_the_desktop_only_serverSelectedProtocol_changes()
    {
        var original = Client.ToBytes();
        var rewritten = RelayBlocks.ForDesktop(original, SecurityProtocols.Tls);

        Assert.Equal(SecurityProtocols.Tls, ClientDataBlocks.Parse(rewritten).ServerSelectedProtocolEcho);
        Assert.Equal(SecurityProtocols.Rdp, ClientDataBlocks.Parse(original).ServerSelectedProtocolEcho); // the client's own bytes untouched
        var differing = original.Zip(rewritten).Count(p => p.First != p.Second);
        Assert.Equal(1, differing); // one byte of one field
        Assert.Equal(Client with { ServerSelectedProtocolEcho = SecurityProtocols.Tls }, ClientDataBlocks.Parse(rewritten) with { Channels = Client.Channels });
    }

    [Fact]
    public void Towards_the_client_the_requested_protocols_are_the_clients_and_the_channel_ids_the_desktops()
    {
        var desktop = new ServerDataBlocks(SecurityProtocols.Tls, 1003, [1004, 1005], 0, 0, null, null).ToBytes();

        var forClient = ServerDataBlocks.Parse(RelayBlocks.ForClient(desktop, SecurityProtocols.Tls | SecurityProtocols.Hybrid, null));

        Assert.Equal(SecurityProtocols.Tls | SecurityProtocols.Hybrid, forClient.ClientRequestedProtocols);
        Assert.Equal([1004, 1005], forClient.ChannelIds);
        Assert.Equal(1003, forClient.IoChannel);
        Assert.Equal(0u, forClient.EncryptionMethod);
    }

    [Fact]
    public void Under_standard_RDP_security_the_clients_SC_SECURITY_is_the_endpoints_and_comes_last()
    {
        var desktop = new ServerDataBlocks(SecurityProtocols.Tls, 1003, [1004], 0, 0, null, null).ToBytes();
        var random = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        byte[] certificate = [0xCE, 0x27, 0x01];
        var security = new ByteWriter().U32Le(2).U32Le(2).U32Le(32).U32Le(3).Bytes(random).Bytes(certificate).ToArray();

        var bytes = RelayBlocks.ForClient(desktop, SecurityProtocols.Rdp, security);
        var forClient = ServerDataBlocks.Parse(bytes);

        Assert.Equal(2u, forClient.EncryptionMethod);
        Assert.Equal(random, forClient.ServerRandom);
        Assert.Equal(certificate, forClient.ServerCertificate);
        Assert.Equal(certificate, bytes[^3..]); // rdesktop reads the certificate to the end of the blocks
    }

    [Fact]
    public void A_desktop_whose_IO_channel_is_not_1003_is_refused()
    {
        var desktop = new ServerDataBlocks(SecurityProtocols.Tls, 1010, [1004], 0, 0, null, null).ToBytes();
        var e = Assert.Throws<DesktopProtocolException>(() => RelayBlocks.ForClient(desktop, SecurityProtocols.Tls, null));
        Assert.Contains("1010", e.Message);
        // Positive control: the same blocks with 1003 pass.
        RelayBlocks.ForClient(new ServerDataBlocks(SecurityProtocols.Tls, 1003, [1004], 0, 0, null, null).ToBytes(), SecurityProtocols.Tls, null);
    }

    [Fact]
    public void Lying_block_lengths_are_a_protocol_error()
    {
        var desktop = new ServerDataBlocks(SecurityProtocols.Tls, 1003, [1004], 0, 0, null, null).ToBytes();
        desktop[2] = 0xFF;
        Assert.Throws<RdpProtocolException>(() => RelayBlocks.ForClient(desktop, SecurityProtocols.Tls, null));
        Assert.Throws<RdpProtocolException>(() => RelayBlocks.ForDesktop([0x01, 0xC0, 0x02], SecurityProtocols.Tls));
    }

    [Fact]
    public void A_logon_info_names_the_account_the_desktop_authenticated()
    {
        var w = new ByteWriter().U32Le(0).U32Le(8);
        var domain = new byte[52];
        System.Text.Encoding.Unicode.GetBytes("LAB\0").CopyTo(domain, 0);
        var user = new byte[512];
        System.Text.Encoding.Unicode.GetBytes("rdpuser\0").CopyTo(user, 0);
        w.Bytes(domain).U32Le(16).Bytes(user).U32Le(7);

        var signIn = DesktopLogon.Parse(w.Written);

        Assert.Equal("rdpuser", signIn.User);
        Assert.Equal("LAB", signIn.Domain);
        Assert.Equal(new DesktopSignIn(null, null), DesktopLogon.Parse(new ByteWriter().U32Le(2).U32Le(0).Written)); // plain notify: a logon, no account
    }
}
