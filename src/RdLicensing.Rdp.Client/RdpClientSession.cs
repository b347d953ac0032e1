using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Client;

/// <summary>
/// The data phase of one connection, after the activation (<see cref="RdpClientOptions.AfterActivation"/>): each
/// <see cref="ReadAsync"/> takes the server's next PDU, slow or fast path, decrypted and its MAC verified under
/// standard RDP security (so a relay that re-encrypts wrongly fails here), and says how many bytes it took on the wire.
/// </summary>
public sealed class RdpClientSession
{
    private readonly ClientTransport _transport;
    private readonly ClientSecureChannel _security;

    internal RdpClientSession(ClientTransport transport, ClientSecureChannel security)
    {
        _transport = transport;
        _security = security;
    }

    /// <summary>PDUs read so far.</summary>
    public long Pdus { get; private set; }

    /// <summary>The next PDU's size on the wire (TPKT or fast-path framing included); 0 at the server's Disconnect Provider Ultimatum.</summary>
    /// <exception cref="RdpProtocolException">A malformed PDU, a MAC that does not verify, or a closed connection.</exception>
    /// <exception cref="RdpTimeoutException">Nothing within <see cref="RdpClientOptions.ReadTimeout"/>.</exception>
    public async Task<int> ReadAsync(CancellationToken cancellationToken)
    {
        var frame = await _transport.ReadFrameAsync("session output", cancellationToken);
        Pdus++;
        if (frame.FastPath)
        {
            if (frame.FastPathEncrypted) _security.UnwrapFastPath(frame.Payload, frame.FastPathSalted);
            return frame.Payload.Length + (frame.Payload.Length + 2 <= 0x7F ? 2 : 3);
        }
        var pdu = McsDomain.Parse(Tpkt.DataPayload(frame.Payload));
        if (pdu.Type == McsPduType.DisconnectProviderUltimatum) return 0;
        if (pdu.Type != McsPduType.SendDataIndication) throw new RdpProtocolException($"MCS {pdu.Type} from the server during the session.");
        _security.Unwrap(pdu.Data);
        return frame.Payload.Length + FrameReader.TpktHeaderLength;
    }
}
