using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Connection;

/// <summary>
/// What the server keeps of the Client Info PDU (TS_INFO_PACKET, MS-RDPBCGR 2.2.1.11.1.1): the domain and user name.
/// The password is read past and never kept or logged.
/// </summary>
public sealed record ClientInfo(string Domain, string UserName, uint Flags)
{
    private const uint InfoUnicode = 0x10;

    /// <summary>INFO_AUTOLOGON: the client sent a password for the desktop to sign in with.</summary>
    public const uint InfoAutologon = 0x08;
    private const int MaxField = 512;

    public static ClientInfo Parse(ReadOnlySpan<byte> data)
    {
        var r = new ByteReader(data);
        r.U32Le("Client Info codePage");
        var flags = r.U32Le("Client Info flags");
        var unicode = (flags & InfoUnicode) != 0;
        var lengths = new int[5];
        for (var i = 0; i < lengths.Length; i++)
        {
            lengths[i] = r.U16Le("Client Info field length");
            if (lengths[i] > MaxField) throw new RdpProtocolException($"Client Info: a {lengths[i]}-byte field is over the {MaxField}-byte limit.");
        }
        var terminator = unicode ? 2 : 1;
        string Field(ref ByteReader reader, int length, string what) =>
            unicode ? reader.Utf16(length + terminator, what) : reader.Ansi(length + terminator, what);
        var domain = Field(ref r, lengths[0], "Client Info domain");
        var user = Field(ref r, lengths[1], "Client Info user name");
        r.Skip(lengths[2] + terminator, "Client Info password");
        // Alternate shell, working directory and the extended info follow; licensing needs none of them.
        return new ClientInfo(domain, user, flags);
    }

    /// <summary>The PDU body a client sends (benchmark and test client), Unicode, with the password.</summary>
    public static byte[] Build(string domain, string user, string password)
    {
        var w = new ByteWriter();
        var fields = new[] { domain, user, password, "", "" };
        w.U32Le(0).U32Le(0x0000_0033 | InfoUnicode | 0x100 | 0x40 | 0x800 | (password.Length > 0 ? InfoAutologon : 0)); // 0x33 INFO_MOUSE, _DISABLECTRLALTDEL, _UNICODE, _MAXIMIZESHELL: xrdp refuses a Client Info without them
        foreach (var field in fields) w.U16Le(field.Length * 2);
        foreach (var field in fields) w.Utf16Z(field);
        return w.ToArray();
    }
}
