namespace RdLicensing.Cli.Bench;

/// <summary>
/// A client device as its session host knows it: the hardware id it sends and the CAL token it stored (base64), which
/// it presents on every connection, as a real client does. Changed only by the one worker holding it at a time, except
/// for presents, which may share a device (one device, two sessions) and only ever replace its token with a newer one.
/// </summary>
/// <param name="host">The index of the session host it connects through, when its CAL row names one (the seeded rows name
/// rdsh-bench-01, the first host enrolled); null to pick one from the hardware id.</param>
internal sealed class SimulatedDevice(string hardwareId, string? license = null, int? host = null)
{
    public string HardwareId { get; } = hardwareId;

    public int? Host { get; } = host;

    public string ClientName => "PC-" + HardwareId;

    public string? License { get; set; } = license;
}
