namespace RdLicensing.Rdp.Licensing;

/// <summary>dwStateTransition of a Licensing Error Message (MS-RDPBCGR 2.2.1.12.1.3, MS-RDPELE 3.1.5.2).</summary>
public enum LicenseStateTransition : uint
{
    /// <summary>ST_TOTAL_ABORT.</summary>
    TotalAbort = 0x01,

    /// <summary>ST_NO_TRANSITION: the one used with STATUS_VALID_CLIENT.</summary>
    NoTransition = 0x02,

    /// <summary>ST_RESET_PHASE_TO_START (never sent by Microsoft implementations, MS-RDPELE note 17).</summary>
    ResetPhaseToStart = 0x03,

    /// <summary>ST_RESEND_LAST_MESSAGE (never sent by Microsoft implementations, MS-RDPELE note 17).</summary>
    ResendLastMessage = 0x04,
}
