using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RdLicensing.Rdp.Connection;
using RdLicensing.ServiceDefaults.Configuration;
using RdLicensing.SessionHost.Rdp;

namespace RdLicensing.SessionHost.Configuration;

/// <summary>The host's computer name: key <c>SessionHost:Name</c> (flag --name).</summary>
public sealed class SessionHostNameOptions
{
    [Required(ErrorMessage = "give the host's computer name, e.g. rdsh-01")]
    [RegularExpression(@"^[A-Za-z0-9._-]{1,253}$", ErrorMessage = "must be a computer name: 1 to 253 letters, digits, '-', '.', '_'")]
    public string Name { get; set; } = SessionHostOptions.DefaultName;
}

/// <summary>
/// How long the host waits for one license server before it tries the next in its list: key
/// <c>SessionHost:LicenseServerTimeout</c> (hh:mm:ss), from 1 second to 5 minutes, default 10 seconds. A client connecting
/// waits this long per license server that does not answer, so a short value moves on sooner from a server that is down,
/// and a long one keeps a slow but working server (under heavy load, or far away) from counting as down.
/// </summary>
public sealed class LicenseServerCallOptions : IValidatableObject
{
    public static readonly TimeSpan Least = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Most = TimeSpan.FromMinutes(5);

    public TimeSpan LicenseServerTimeout { get; set; } = SessionHostOptions.DefaultLicenseServerTimeout;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LicenseServerTimeout < Least || LicenseServerTimeout > Most)
            yield return new ValidationResult("must be a duration from 00:00:01 to 00:05:00 (how long to wait for one license server before trying the next)",
                [nameof(LicenseServerTimeout)]);
    }
}

/// <summary>
/// The RDP endpoint: section <c>SessionHost:Rdp</c>, keys <c>Port</c> (flag --rdp-port; none: no endpoint), <c>Address</c>
/// (--rdp-address), <c>Security</c> (--rdp-security) and <c>Desktops</c> (a list; --desktop, repeated).
/// </summary>
public sealed class RdpListenOptions : IValidatableObject
{
    [Range(0, 65535, ErrorMessage = "must be a port from 0 to 65535 (0 picks a free one)")]
    public int? Port { get; set; }

    public string? Address { get; set; }

    [AllowedValues(null, "negotiate", "rdp", "tls", ErrorMessage = "must be negotiate, rdp or tls")]
    public string? Security { get; set; }

    public List<string> Desktops { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Address is { Length: > 0 } address && !System.Net.IPAddress.TryParse(address, out _))
            yield return new ValidationResult("must be an IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0", [nameof(Address)]);
        foreach (var desktop in Desktops)
            if (!DesktopAddress.TryParse(desktop, out _, out var error))
            {
                yield return new ValidationResult(error!, [nameof(Desktops)]);
                yield break;
            }
        if (Port is null && (Address is not null || Security is not null || Desktops.Count > 0))
            yield return new ValidationResult("the RDP endpoint's address, security and desktops need its port too (--rdp-port, SessionHost:Rdp:Port)", [nameof(Port)]);
    }
}

/// <summary>The session host's configuration (docs/OPERATIONS.md): section <c>SessionHost</c>, bound to small options classes, validated before start.</summary>
public static class SessionHostSettings
{
    public const string Section = "SessionHost";

    public static void AddSessionHostOptions(this IServiceCollection services, ServiceConfiguration configuration)
    {
        configuration.AddValidatedOptions<ListenOptions>(services, Section);
        configuration.AddValidatedOptions<DataDirectoryOptions>(services, Section);
        configuration.AddValidatedOptions<ClockOptions>(services, Section);
        configuration.AddValidatedOptions<SessionHostNameOptions>(services, Section);
        configuration.AddValidatedOptions<LicenseServerCallOptions>(services, Section);
        configuration.AddValidatedOptions<RdpListenOptions>(services, Section + ":Rdp");
    }

    /// <summary>Validates every value (one <see cref="ConfigurationException"/> line for the first bad one); the RDP endpoint's options are null without a port.</summary>
    public static (SessionHostOptions Host, RdpEndpointOptions? Rdp) Load(ServiceConfiguration configuration)
    {
        var options = configuration.Validate(s => s.AddSessionHostOptions(configuration));
        T Get<T>() where T : class => options.GetRequiredService<IOptions<T>>().Value;
        var host = new SessionHostOptions
        {
            Urls = Get<ListenOptions>().Urls,
            DataDirectory = Path.GetFullPath(Get<DataDirectoryOptions>().DataDirectory),
            SimulatedClock = Get<ClockOptions>().Clock == "simulated",
            Name = Get<SessionHostNameOptions>().Name,
            LicenseServerTimeout = Get<LicenseServerCallOptions>().LicenseServerTimeout,
            Configuration = configuration,
        };
        var rdp = Get<RdpListenOptions>();
        return (host, rdp.Port is { } port
            ? new RdpEndpointOptions
            {
                Port = port,
                Address = rdp.Address ?? "127.0.0.1",
                SecurityLayer = rdp.Security switch { "rdp" => RdpSecurityLayer.Rdp, "tls" => RdpSecurityLayer.Tls, _ => RdpSecurityLayer.Negotiate },
                Desktops = [.. rdp.Desktops.Select(d => { DesktopAddress.TryParse(d, out var uri, out _); return uri!; })],
            }
            : null);
    }
}
