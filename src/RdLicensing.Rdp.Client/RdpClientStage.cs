namespace RdLicensing.Rdp.Client;

/// <summary>Which packet the client is sending, for <see cref="RdpClientOptions.Tamper"/>.</summary>
public enum RdpClientStage
{
    X224Request,
    McsConnectInitial,
    ErectDomain,
    AttachUser,
    /// <summary>Both joins: the user channel, then the I/O channel (1003).</summary>
    ChannelJoin,
    SecurityExchange,
    ClientInfo,
    NewLicenseRequest,
    LicenseInfo,
    ChallengeResponse,
    ConfirmActive,
    /// <summary>Synchronize, Control Cooperate, Control Request and Font List.</summary>
    Finalization,
}

/// <summary><see cref="RdpClientOptions.Tamper"/> returned null: the client closed the connection instead of sending.</summary>
public sealed class RdpClientClosedException(RdpClientStage stage)
    : Exception($"the client closed the connection instead of sending its {stage} packet (tamper hook).")
{
    public RdpClientStage Stage { get; } = stage;
}
