namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// LICENSE_ERROR_MESSAGE under an ERROR_ALERT preamble (MS-RDPBCGR 2.2.1.12.1.3, MS-RDPELE 2.2.2.7.1): dwErrorCode,
/// dwStateTransition and bbErrorInfo, which is written as a BB_ERROR_BLOB and is empty in everything this server
/// sends (MS-RDPBCGR 2.2.1.12.1: the Valid Client message MUST carry an empty BB_ERROR_BLOB). Either side may send it,
/// so the preamble flags are kept; the server's default is <see cref="LicensingPreamble.ServerFlags"/>.
/// </summary>
public sealed record LicensingErrorAlert(LicenseErrorCode ErrorCode, LicenseStateTransition StateTransition) : ILicensingPdu
{
    public const string PduName = "LICENSE_ERROR_MESSAGE";

    /// <summary>STATUS_VALID_CLIENT with ST_NO_TRANSITION: licensing is over, no license is issued (what xrdp sends).</summary>
    public static LicensingErrorAlert ValidClient => new(LicenseErrorCode.StatusValidClient, LicenseStateTransition.NoTransition);

    public byte[] ErrorInfo { get; init; } = [];

    public byte PreambleFlags { get; init; } = LicensingPreamble.ServerFlags;

    public LicensingMessageType MessageType => LicensingMessageType.ErrorAlert;

    public static LicensingErrorAlert Parse(ReadOnlySpan<byte> pdu)
    {
        var r = LicensingPreamble.OpenBody(pdu, LicensingMessageType.ErrorAlert, PduName, out var preamble);
        var errorCode = (LicenseErrorCode)r.U32Le($"{PduName} dwErrorCode");
        var transition = (LicenseStateTransition)r.U32Le($"{PduName} dwStateTransition");
        var errorInfo = LicenseBlob.Read(ref r, $"{PduName} bbErrorInfo", BlobType.Error).Data;
        r.End(PduName);
        return new LicensingErrorAlert(errorCode, transition) { ErrorInfo = errorInfo, PreambleFlags = preamble.Flags };
    }

    public byte[] ToBytes()
    {
        var w = LicensingPreamble.Begin(MessageType, PreambleFlags);
        w.U32Le((uint)ErrorCode).U32Le((uint)StateTransition);
        LicenseBlob.Write(w, BlobType.Error, ErrorInfo, $"{PduName} bbErrorInfo");
        return LicensingPreamble.Finish(w, PduName);
    }
}
