namespace RdLicensing.Rdp.Licensing;

/// <summary>One licensing message with its preamble: what <see cref="LicensingPdu.Parse"/> returns.</summary>
public interface ILicensingPdu
{
    LicensingMessageType MessageType { get; }

    /// <summary>The whole licensing PDU, preamble included, with an exact wMsgSize.</summary>
    byte[] ToBytes();
}
