using System.CommandLine;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Review;
using Spectre.Console;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic server review`: Review Configuration (GET /api/admin/review), problems first, each with what fixes it.</summary>
internal static class ReviewCommand
{
    public static Command Create(CliContext cli)
    {
        var json = Options.Json();
        var command = new Command("review", "Review Configuration: activation, clearinghouse, key packs, session hosts and the security group, database — problems first") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.ReviewAsync(ct);
            if (result.GetValue(json))
            {
                cli.Out.Json(reply.Json);
                return 0;
            }
            var review = reply.Value;
            cli.Out.Fields(new List<(string, Text)>
            {
                ("Product ID", Render.Cell(review.ProductId)),
                ("Database", Render.Cell(review.Database.SizeBytes is { } size ? $"{review.Database.Location} ({ConfigurationReview.FormatSize(size)})" : review.Database.Location)),
                ("Policies", Render.Cell($"license server security group {Names.OnOff(review.Policies.SecurityGroupEnabled)}, prevent license upgrade {Names.OnOff(review.Policies.PreventLicenseUpgrade)}")),
            });
            cli.Out.Line();
            foreach (var check in review.Checks)
            {
                var line = $"[{check.Status}] {check.Message}{Fix(check)}";
                if (check.Status == ConfigurationReview.Error) cli.Out.Loud(line);
                else if (check.Status == ConfigurationReview.Warning) cli.Out.Warning(line);
                else cli.Out.Line(line);
            }
            return 0;
        });
        return command;
    }

    private static string Fix(ReviewCheckView check) => check.Fix switch
    {
        ReviewFixes.Activate => " Fix: rdlic server activate.",
        ReviewFixes.Reactivate => " Fix: rdlic server reactivate --reason expired.",
        ReviewFixes.InstallLicenses => " Fix: rdlic licenses install.",
        ReviewFixes.AddToSecurityGroup => $" Fix: rdlic hosts group add {check.Subject} (or rdlic policies set --security-group off).",
        _ => "",
    };
}
