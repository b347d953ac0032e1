using System.CommandLine;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic clock show|advance`: the server's clock, which tests and demos may simulate.</summary>
internal static class ClockCommands
{
    public static Command Create(CliContext cli) => new("clock", "The license server's clock (simulated for tests and demos)")
    {
        Show(cli), Advance(cli),
    };

    private static Command Show(CliContext cli)
    {
        var json = Options.Json();
        var command = new Command("show", "What time the license server thinks it is") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.ClockAsync(ct);
            if (result.GetValue(json)) cli.Out.Json(reply.Json);
            else Print(cli.Out, reply.Value);
            return 0;
        });
        return command;
    }

    private static Command Advance(CliContext cli)
    {
        var by = Options.Duration();
        var json = Options.Json();
        var command = new Command("advance", "Move a simulated clock forward, e.g. 'rdlic clock advance 91d'") { by, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.AdvanceClockAsync(result.GetValue(by)!, ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var clock = reply.Value;
            cli.Out.Line($"The simulated clock moved forward by {result.GetValue(by)}: it is now {Render.Time(clock.Now)} (offset {clock.Offset}).");
            return 0;
        });
        return command;
    }

    private static void Print(Render output, ClockView clock)
    {
        if (clock.Mode == "simulated")
            output.Loud($"Clock: SIMULATED, now {Render.Time(clock.Now)} (offset {clock.Offset} from real time). Dates are not real.");
        else
            output.Line($"Clock: real, now {Render.Time(clock.Now)}.");
    }
}
