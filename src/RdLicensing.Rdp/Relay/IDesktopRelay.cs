using RdLicensing.Rdp.Connection;

namespace RdLicensing.Rdp.Relay;

/// <summary>
/// What the connection state machine needs of the desktops behind the endpoint (the session host implements it): a
/// connection to one of them for a new client, and the registration of a relayed session once the client is licensed.
/// </summary>
public interface IDesktopRelay
{
    /// <summary>
    /// A TCP connection to the desktop for this client: the one holding the session of <paramref name="userHint"/>
    /// (the user name of the client's routing cookie) if any, else the least busy.
    /// </summary>
    /// <exception cref="DesktopUnreachableException">No desktop accepted the connection.</exception>
    Task<DesktopStream> OpenAsync(string? userHint, CancellationToken cancellationToken);

    /// <summary>
    /// The client is licensed and its connection now flows to <paramref name="desktop"/>: register it (bytes, sign-in,
    /// disconnect). Cancelling <paramref name="end"/> must close both legs.
    /// </summary>
    IRelayedSession Begin(RdpLicensingVerdict verdict, RdpClientIdentity client, string desktop, CancellationTokenSource end);
}

/// <summary>An open connection to a desktop: its address (rdp://host:port) and its byte stream.</summary>
public sealed class DesktopStream(string address, Stream stream) : IAsyncDisposable
{
    public string Address { get; } = address;
    public Stream Stream { get; internal set; } = stream;

    /// <summary>Called once when the connection is closed (the session host's count of connections per desktop).</summary>
    public Action? Closed { get; init; }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await Stream.DisposeAsync();
        Closed?.Invoke();
    }
}

/// <summary>One relayed session as the session host follows it.</summary>
public interface IRelayedSession : IDisposable
{
    void FromClient(long bytes);

    void ToClient(long bytes);

    /// <summary>The desktop reported the logon of this account.</summary>
    void SignedIn(string user, string? domain);

    /// <summary>
    /// The client sent input that could operate the desktop's login screen (a key or mouse-button press) before the
    /// desktop's logon: the credentials sent with the connection were not accepted (or none were sent). That input is not
    /// passed on (RelayPump). Called once per connection.
    /// </summary>
    void LoginScreenInputWithheld();

    /// <summary>A backend PDU worth a debug line (what the desktop sends during its logon).</summary>
    void Observed(string what);

    /// <summary>How the relay ended, for the log.</summary>
    void Ended(string reason);
}

/// <summary>No desktop could be reached; the client is told so (ERRINFO_CB_DESTINATION_NOT_FOUND).</summary>
public sealed class DesktopUnreachableException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>The desktop answered something the relay cannot use (no TLS, an MCS refusal, a PDU out of order).</summary>
public sealed class DesktopProtocolException(string message) : RdpProtocolException(message);
