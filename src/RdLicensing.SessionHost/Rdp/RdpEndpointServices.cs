using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RdLicensing.Rdp.Connection;
using RdLicensing.SessionHost;

namespace RdLicensing.SessionHost.Rdp;

public static class RdpEndpointServices
{
    /// <summary>Adds the RDP endpoint to a session host: its keys (created at the first start), the licensing bridge, the listener.</summary>
    public static IServiceCollection AddRdpEndpoint(this IServiceCollection services, RdpEndpointOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<IClientLicensing, SessionHostLicensing>();
        services.AddSingleton(provider =>
        {
            var host = provider.GetRequiredService<IOptions<SessionHostOptions>>().Value;
            var key = RdpEndpointKeys.LoadOrCreateKey(options);
            var certificate = options.SecurityLayer == RdpSecurityLayer.Rdp ? null : RdpEndpointKeys.LoadOrCreateCertificate(options, host.Name);
            return new RdpServerContext(options.ToConnectionSettings(), key, certificate, provider.GetRequiredService<IClientLicensing>())
            {
                Relay = options.Desktops.Count > 0 ? provider.GetRequiredService<DesktopRelay>() : null,
            };
        });
        services.AddSingleton<LiveConnections>();
        services.AddSingleton<LicensingCertificates>();
        services.AddHostedService(provider => provider.GetRequiredService<LicensingCertificates>());
        services.AddSingleton<DesktopRelay>();
        services.AddSingleton<RdpListener>();
        services.AddSingleton<SessionHost.Apis.IFrontEndStatus>(provider => provider.GetRequiredService<RdpListener>());
        services.AddHostedService(provider => provider.GetRequiredService<RdpListener>());
        return services;
    }
}
