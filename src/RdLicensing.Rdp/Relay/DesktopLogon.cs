using System.Text;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Relay;

/// <summary>The logon the desktop reported: the account when its PDU names one (null: the Client Info's).</summary>
internal sealed record DesktopSignIn(string? User, string? Domain);

/// <summary>
/// Watches what the desktop sends for the moment its logon succeeded (once), whichever comes first:
/// <list type="bullet">
/// <item>a Save Session Info PDU (MS-RDPBCGR 2.2.10.1, PDUTYPE2_SAVE_SESSION_INFO), with the account of a logon info
/// when it names one (Windows, newer xrdp modules);</item>
/// <item>the first PDU on a session-served static channel (cliprdr, rdpsnd, rdpdr). xrdp 0.9.21 sends no Save Session
/// Info with its Xorg sessions: after the activation it paints (its login screen, or the session) and xrdp itself
/// opens drdynvc, but these three channels are served by the session's chansrv, which sesman starts only once PAM
/// accepted the password. A wrong password keeps the client at xrdp's login screen, with none of them.</item>
/// </list>
/// </summary>
/// <param name="sessionChannels">The desktop's channel ids of the client's cliprdr, rdpsnd and rdpdr channels.</param>
internal sealed class DesktopLogon(IRelayedSession session, IReadOnlySet<ushort> sessionChannels)
{
    /// <summary>Static channels a desktop serves only from within a logged-on session.</summary>
    public static readonly IReadOnlySet<string> SessionChannelNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "cliprdr", "rdpsnd", "rdpdr" };

    private const byte SaveSessionInfo = 38;
    private const int TracedPdus = 400;
    private volatile bool _done;
    private int _traced;

    /// <summary>The logon was seen: nothing more to watch (read by the client's direction too).</summary>
    public bool Done => _done;

    /// <summary>A whole frame as it came on the wire (TPKT or fast-path header included).</summary>
    public DesktopSignIn? Inspect(ReadOnlySpan<byte> wire)
    {
        if (_done) return null;
        if (wire[0] != 3)
        {
            // Fast-path output: painting, never the logon; only traced (the update code is the body's first byte).
            if (_traced < TracedPdus)
            {
                var body = wire[((wire[1] & 0x80) != 0 ? 3 : 2)..];
                Trace($"fast-path update 0x{(body.IsEmpty ? 0 : body[0] & 0x0F):X} ({body.Length} bytes)");
            }
            return null;
        }
        return Inspect(RelayPump.Frame(wire));
    }

    public DesktopSignIn? Inspect(RdpFrame frame)
    {
        if (_done) return null;
        if (frame.FastPath)
        {
            Trace($"fast-path update 0x{frame.Payload.FirstOrDefault() & 0x0F:X} ({frame.Payload.Length} bytes)");
            return null;
        }
        McsDomainPdu pdu;
        try
        {
            pdu = McsDomain.Parse(Tpkt.DataPayload(frame.Payload));
        }
        catch (RdpProtocolException)
        {
            return null;
        }
        if (pdu.Type != McsPduType.SendDataIndication)
        {
            Trace($"MCS {pdu.Type}");
            return null;
        }
        if (pdu.Channel != RdpServerConnection.IoChannel)
        {
            Trace($"channel {pdu.Channel}: {pdu.Data.Length} bytes");
            if (!sessionChannels.Contains(pdu.Channel)) return null;
            _done = true;
            return new DesktopSignIn(null, null);
        }
        SharePdu share;
        try
        {
            share = ShareControl.Parse(pdu.Data);
        }
        catch (RdpProtocolException)
        {
            Trace($"I/O channel: {pdu.Data.Length} bytes, not a share PDU");
            return null;
        }
        Trace($"I/O channel: {share.Type} {share.DataType?.ToString() ?? (share.Type == ShareControlType.Data ? pdu.Data[14].ToString() : "")} ({pdu.Data.Length} bytes)");
        if (share.Type == ShareControlType.Data && pdu.Data.Length > 18 && pdu.Data[14] == SaveSessionInfo)
        {
            _done = true;
            return Parse(pdu.Data.AsSpan(18));
        }
        return null;
    }

    private void Trace(string what)
    {
        if (_traced++ < TracedPdus) session.Observed(what);
    }

    /// <summary>TS_SAVE_SESSION_INFO_PDU_DATA: INFOTYPE_LOGON and INFOTYPE_LOGON_LONG name the account; other types are a logon all the same.</summary>
    internal static DesktopSignIn Parse(ReadOnlySpan<byte> data)
    {
        try
        {
            var r = new ByteReader(data);
            var infoType = r.U32Le("Save Session Info infoType");
            if (infoType == 0)
            {
                var cbDomain = (int)r.U32Le("cbDomain");
                var domain = r.Take(52, "Domain");
                var cbUser = (int)r.U32Le("cbUserName");
                var user = r.Take(512, "UserName");
                return new DesktopSignIn(Text(user, cbUser), Text(domain, cbDomain));
            }
            if (infoType == 1)
            {
                r.Skip(2 + 4 + 4, "logon info version 2 header");
                var cbDomain = (int)r.U32Le("cbDomain");
                var cbUser = (int)r.U32Le("cbUserName");
                r.Skip(558, "logon info version 2 pad");
                var domain = r.Take(cbDomain, "Domain");
                var user = r.Take(cbUser, "UserName");
                return new DesktopSignIn(Text(user, cbUser), Text(domain, cbDomain));
            }
        }
        catch (RdpProtocolException)
        {
            // A logon all the same; the account is the Client Info's.
        }
        return new DesktopSignIn(null, null);
    }

    private static string? Text(ReadOnlySpan<byte> field, int length)
    {
        var text = Encoding.Unicode.GetString(field[..Math.Clamp(length, 0, field.Length)]).TrimEnd('\0');
        return text.Length == 0 ? null : text;
    }
}
