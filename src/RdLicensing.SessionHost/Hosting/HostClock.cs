using RdLicensing.Core.Time;

namespace RdLicensing.SessionHost.Hosting;

/// <summary>
/// The host's clock and whether the host owns it. A simulated clock the host created itself (--clock simulated)
/// is advanced through the host's API and its offset kept in the host's store; a clock handed in (the license
/// server's, in `rdlic up` and the tests) belongs to its owner and is advanced there.
/// </summary>
public sealed record HostClock(TimeProvider Provider, bool OwnedByHost)
{
    public SimulatedTimeProvider? AdvanceableSimulation => OwnedByHost ? Provider as SimulatedTimeProvider : null;
}
