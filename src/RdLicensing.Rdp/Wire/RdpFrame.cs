namespace RdLicensing.Rdp.Wire;

/// <summary>
/// One frame off the wire: a TPKT packet (slow path: its payload after the 4-byte header) or a fast-path PDU (its body
/// after the length, with the first header byte, whose top two bits say whether it is encrypted and salted).
/// </summary>
public readonly record struct RdpFrame(bool FastPath, byte[] Payload, byte FastPathHeader = 0)
{
    public bool FastPathEncrypted => FastPath && (FastPathHeader & 0x80) != 0;
    public bool FastPathSalted => FastPath && (FastPathHeader & 0x40) != 0;
}
