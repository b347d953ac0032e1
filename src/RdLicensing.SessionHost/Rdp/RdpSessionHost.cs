using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RdLicensing.SessionHost;
using RdLicensing.SessionHost.Hosting;

namespace RdLicensing.SessionHost.Rdp;

/// <summary>A session host with its RDP endpoint: what `rdlic sessionhost run --rdp-port`, `rdlic up` and the tests start.</summary>
public static class RdpSessionHost
{
    /// <param name="rdp">Null: the session host alone (HTTP front end only).</param>
    public static WebApplication Build(SessionHostOptions options, RdpEndpointOptions? rdp, TimeProvider? clock = null, Action<ILoggingBuilder>? logging = null)
    {
        if (rdp is not null && string.IsNullOrEmpty(rdp.DataDirectory)) rdp.DataDirectory = options.DataDirectory;
        return SessionHostServer.Build(options, clock, logging, rdp is null ? null : services => services.AddRdpEndpoint(rdp));
    }

    /// <summary>The RDP endpoint of a started session host, or null when it has none.</summary>
    public static RdpListener? RdpEndpoint(this WebApplication sessionHost) => sessionHost.Services.GetService<RdpListener>();
}
