using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Time;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.SessionHost.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Apis;

/// <summary>The host's clock; a simulated clock the host owns can be moved forward here.</summary>
public static class ClockApi
{
    public static RouteGroupBuilder MapClockApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/clock").WithTags("Clock").RequireAdministrator();
        api.MapGet("/", Get);
        api.MapPost("/advance", Advance).WithSummary("Move the host's own simulated clock forward (run with --clock simulated).");
        return api;
    }

    public static Ok<ClockView> Get(TimeProvider clock) => TypedResults.Ok(Views.Clock(clock));

    public static async Task<Results<Ok<ClockView>, ProblemHttpResult>> Advance(ClockAdvanceBody body, HostClock hostClock, SessionHostStore store, CancellationToken cancellationToken)
    {
        if (hostClock.AdvanceableSimulation is not { } simulated)
            return Problems.Conflict("clock-not-simulated", "The clock cannot be advanced here",
                hostClock.Provider is SimulatedTimeProvider
                    ? "This session host shares the license server's simulated clock: advance it there ('rdlic clock advance DURATION')."
                    : "Only a simulated clock can be advanced. Start the session host with '--clock simulated' for tests and demos.");
        if (!DurationText.TryParse(body.By, out var by) || by > TimeSpan.FromDays(3650))
            return Problems.Invalid("by", "by must be a duration like 91d, 2w, 12h or 1d12h (at most 3650 days).");
        await store.WriteAsync(async s =>
        {
            simulated.Advance(by);
            await s.SetSettingAsync(SettingNames.SimulatedClockOffset, simulated.Offset.Ticks.ToString(CultureInfo.InvariantCulture));
            await s.AddEventAsync(simulated.GetUtcNow(), new PendingSessionHostEvent(SessionHostEventId.ClockAdvanced,
                $"The simulated clock was advanced by {body.By} to {simulated.GetUtcNow():yyyy-MM-dd HH:mm} UTC."));
        }, cancellationToken);
        return TypedResults.Ok(Views.Clock(simulated));
    }
}
