using System.CommandLine;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic policies show|set`: license server security group and prevent license upgrade.</summary>
internal static class PolicyCommands
{
    public static Command Create(CliContext cli) => new("policies", "Licensing policies")
    {
        Show(cli), Set(cli),
    };

    private static Command Show(CliContext cli)
    {
        var json = Options.Json();
        var command = new Command("show", "The licensing policies") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.PoliciesAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            cli.Out.Line($"License server security group: {Names.OnOff(reply.Value.SecurityGroupEnabled)}");
            cli.Out.Line($"Prevent license upgrade:       {Names.OnOff(reply.Value.PreventLicenseUpgrade)}");
            return 0;
        });
        return command;
    }

    private static Command Set(CliContext cli)
    {
        var securityGroup = Options.OnOff("--security-group", "Only session hosts in the security group get CALs");
        var preventUpgrade = Options.OnOff("--prevent-upgrade", "Never give an older host a CAL of a newer version");
        var json = Options.Json();
        var command = new Command("set", "Turn policies on or off") { securityGroup, preventUpgrade, json };
        command.SetAction(async (result, ct) =>
        {
            var update = new PoliciesUpdate(IsOn(result.GetValue(securityGroup)), IsOn(result.GetValue(preventUpgrade)));
            if (update is { SecurityGroupEnabled: null, PreventLicenseUpgrade: null })
                throw new UsageException("policies set needs --security-group on|off and/or --prevent-upgrade on|off");
            using var client = cli.Client(result);
            var reply = await client.SetPoliciesAsync(update, ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var policies = reply.Value;
            cli.Out.Line($"Policies set: license server security group {Names.OnOff(policies.SecurityGroupEnabled)}, prevent license upgrade {Names.OnOff(policies.PreventLicenseUpgrade)}.");
            return 0;
        });
        return command;
    }

    private static bool? IsOn(string? onOff) => onOff is null ? null : onOff == "on";
}
