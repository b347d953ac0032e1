namespace RdLicensing.Rdp.Client;

/// <summary>The security layer the client asks for in its X.224 Connection Request.</summary>
public enum RdpClientSecurity
{
    /// <summary>Standard RDP security: no RDP_NEG_REQ (as `xfreerdp /sec:rdp`), the server's RSA key, RC4 session keys.</summary>
    Rdp,

    /// <summary>RDP_NEG_REQ asking for PROTOCOL_SSL, then TLS; any server certificate is accepted (as `/cert:ignore`).</summary>
    Tls,
}

/// <summary>
/// One connection of <see cref="RdpLicensingClient"/>: where to, who the client is, what it holds. A record, so a
/// returning client is <c>options with { StoredLicense = result.License }</c>.
/// </summary>
public sealed record RdpClientOptions
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 3389;

    /// <summary>
    /// The client's own hostname: the CS_CORE client name (first 15 characters), the licensing machine name, and the
    /// source of the HWID (PlatformId 0x04010000 + MD5 of it, as xfreerdp), so it names the device.
    /// </summary>
    public string ClientHostname { get; init; } = "rdlic-client";

    public string UserName { get; init; } = "alice";

    /// <summary>Sent in the Client Info with INFO_AUTOLOGON (a relaying endpoint refuses a client that sends none); empty: no password, no flag.</summary>
    public string Password { get; init; } = "password";

    public string Domain { get; init; } = "";

    public RdpClientSecurity Security { get; init; } = RdpClientSecurity.Rdp;

    /// <summary>The CAL the client stored at an earlier connection, presented byte for byte (Client License Info); null for a new client.</summary>
    public byte[]? StoredLicense { get; init; }

    /// <summary>Ask for the console (administrative) session (CS_CLUSTER REDIRECTED_SESSIONID_FIELD_VALID, session 0): no CAL needed.</summary>
    public bool Console { get; init; }

    /// <summary>For the TCP connection and the TLS handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the client waits for any one PDU from the server.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The whole exchange, from the TCP connection to the disconnect.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// For robustness tests: sees every packet the client is about to send, as it goes on the wire (TPKT framed, after
    /// RC4 under standard security, before TLS), with the stage that names it. It returns the bytes to send instead —
    /// the same array, a changed copy, or null to close the connection at that point (<see cref="RdpClientClosedException"/>).
    /// </summary>
    public Func<RdpClientStage, byte[], byte[]?>? Tamper { get; init; }

    /// <summary>
    /// What the client does once the activation completed (the server's Font Map), instead of waiting for the server to
    /// disconnect: read the session's output through <see cref="RdpClientSession"/> (`rdlic bench relay` counts the
    /// desktop's bytes so). The connection closes when it returns; <see cref="Timeout"/> still bounds the whole.
    /// </summary>
    public Func<RdpClientSession, CancellationToken, Task>? AfterActivation { get; init; }

    /// <summary>Measures <see cref="RdpClientResult.Elapsed"/>; real time unless a test says otherwise.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("The RDP client needs a host to connect to.", nameof(Host));
        if (Port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "A TCP port is from 1 to 65535.");
        if (string.IsNullOrWhiteSpace(ClientHostname)) throw new ArgumentException("The RDP client needs a hostname: it names the device and its HWID.", nameof(ClientHostname));
        foreach (var (name, value) in new[] { (nameof(ConnectTimeout), ConnectTimeout), (nameof(ReadTimeout), ReadTimeout), (nameof(Timeout), Timeout) })
            if (value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(name, value, "A timeout must be positive.");
    }
}
