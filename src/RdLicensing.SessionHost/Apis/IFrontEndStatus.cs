using RdLicensing.Core.Protocol;

namespace RdLicensing.SessionHost.Apis;

/// <summary>
/// A front end that runs inside the session host and reports itself in its status: the RDP endpoint
/// (RdLicensing.Rdp registers it; this project does not depend on that one).
/// </summary>
public interface IFrontEndStatus
{
    RdpEndpointView Rdp();
}
