using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Relay;

/// <summary>
/// The two directions of a relayed session once the client is licensed: whole frames (slow-path and fast-path, every
/// channel) from the client to the desktop and back. Under TLS towards the client the frames pass as they are; under
/// standard RDP security each is decrypted (client to desktop) or encrypted (desktop to client) on the way, as the
/// desktop's leg is always TLS. The desktop's frames are also watched for its logon (<see cref="DesktopLogon"/>), the
/// moment the client's sign-in is reported. Either side closing (or a malformed frame, or the end token) ends both.
/// </summary>
internal sealed class RelayPump(RdpServerConnection connection, DesktopLeg desktop, IRelayedSession session, RdpLicensingVerdict verdict,
    IReadOnlySet<ushort> sessionChannels, CancellationToken end)
{
    private const byte FastPathEncrypted = 0x80;
    private const byte FastPathSalted = 0x40;
    private readonly DesktopLogon _logon = new(session, sessionChannels);

    /// <summary>Client to desktop until the client closes (returns why) or sends something malformed (throws).</summary>
    public async Task<string> FromClientAsync()
    {
        try
        {
            while (true)
            {
                var frame = await connection.ClientReader.ReadAsync(end);
                var bytes = connection.ClientTls ? frame.ToBytes() : Decrypted(frame);
                await desktop.Stream.WriteAsync(bytes, end);
                session.FromClient(bytes.Length);
            }
        }
        catch (ConnectionClosedException e)
        {
            return e.Message;
        }
    }

    /// <summary>Desktop to client until the desktop closes (returns why), the sign-in is refused, or something is malformed (throws).</summary>
    public async Task<string> FromDesktopAsync()
    {
        try
        {
            while (true)
            {
                var frame = await desktop.Reader.ReadAsync(end);
                if (_logon.Inspect(frame) is { } signIn)
                {
                    var user = signIn.User ?? connection.ClientUserName;
                    var domain = signIn.User is null ? connection.ClientDomain : signIn.Domain;
                    var outcome = await connection.Context.Licensing.SignedInAsync(verdict, new RdpSignIn(user, string.IsNullOrEmpty(domain) ? null : domain), end);
                    session.SignedIn(user, string.IsNullOrEmpty(domain) ? null : domain);
                    if (!outcome.Continue)
                    {
                        await connection.TryEndAsync(outcome.ErrorInfo, end);
                        throw new SignInRefusedException($"the sign-in of {user} was refused: {outcome.Message}");
                    }
                }
                var bytes = connection.ClientTls ? frame.ToBytes() : Encrypted(frame);
                await connection.ClientStream.WriteAsync(bytes, end);
                await connection.ClientStream.FlushAsync(end);
                session.ToClient(bytes.Length);
            }
        }
        catch (ConnectionClosedException e)
        {
            return e.Message;
        }
    }

    /// <summary>A client frame under standard RDP security, decrypted for the desktop's TLS leg (no security header there).</summary>
    private byte[] Decrypted(RdpFrame frame)
    {
        var security = connection.ClientSecurity;
        if (frame.FastPath)
        {
            if (!frame.FastPathEncrypted) return frame.ToBytes();
            var plain = security.DecryptFastPath(frame.Payload, frame.FastPathSalted);
            return RdpFrame.FastPathBytes((byte)(frame.FastPathHeader & ~(FastPathEncrypted | FastPathSalted)), plain);
        }
        var pdu = McsDomain.Parse(Tpkt.DataPayload(frame.Payload));
        if (pdu.Type != McsPduType.SendDataRequest) return frame.ToBytes();
        var unwrapped = security.Unwrap(pdu.Data, hasHeader: true);
        return McsDomain.SendData(McsPduType.SendDataRequest, pdu.Initiator, pdu.Channel, unwrapped.Payload);
    }

    /// <summary>A desktop frame (TLS leg, no security header) encrypted for a client under standard RDP security.</summary>
    private byte[] Encrypted(RdpFrame frame)
    {
        var security = connection.ClientSecurity;
        if (frame.FastPath)
            return RdpFrame.FastPathBytes((byte)(frame.FastPathHeader | FastPathEncrypted), security.EncryptFastPath(frame.Payload));
        var pdu = McsDomain.Parse(Tpkt.DataPayload(frame.Payload));
        if (pdu.Type != McsPduType.SendDataIndication) return frame.ToBytes();
        return McsDomain.SendData(McsPduType.SendDataIndication, pdu.Initiator, pdu.Channel, security.Wrap(pdu.Data, SecurityFlags.None, encrypt: true, header: true));
    }
}

/// <summary>The session host refused the session at the desktop's logon (its ErrorInfo was sent to the client).</summary>
public sealed class SignInRefusedException(string message) : IOException(message);
