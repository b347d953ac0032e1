namespace RdLicensing.Rdp.Connection;

/// <summary>How the licensing of one RDP connection ended: what the client was given and what it was told.</summary>
public enum RdpLicensingOutcome
{
    /// <summary>A new CAL (temporary or permanent) was issued and handed to the client (New License).</summary>
    NewLicense,
    /// <summary>The client's stored CAL was replaced: upgraded, renewed or reissued (Upgrade License).</summary>
    UpgradedLicense,
    /// <summary>STATUS_VALID_CLIENT: what the client holds suffices, or the grace period or an administrative session allows it.</summary>
    ValidClient,
    /// <summary>Refused with a licensing error (Set Error Info + Error Alert ST_TOTAL_ABORT).</summary>
    Refused,
}

public sealed record RdpConnectionResult(RdpLicensingOutcome Outcome, RdpClientIdentity Client, RdpLicensingVerdict Verdict, bool TlsUsed);
