using System.CommandLine;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Activation;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic server activate|reactivate|deactivate`: the Activate, Reactivate and Deactivate Server wizards.</summary>
internal static class ActivationCommands
{
    public static readonly string[] Reasons = ["redeployed", "certificate-corrupt", "key-compromised", "expired", "upgraded"];

    public static Command Activate(CliContext cli)
    {
        var code = Options.Text("--license-server-id", "CODE", "Install the License Server ID the clearinghouse issued for this server's Product ID");
        var method = Method("Connection method (default: the one in 'rdlic server properties')");
        var company = new CompanyOptions(required: false);
        var json = Options.Json();
        var command = new Command("activate", "Activate the license server: automatically, by web browser or by telephone, or with a License Server ID") { code, method, json };
        company.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(code) is { } typed)
            {
                if (result.GetValue(method) is not null) throw new UsageException("--license-server-id installs a License Server ID; it does not go with --method");
                CheckTyping(typed, "--license-server-id");
                using var installing = cli.Client(result);
                var installed = await installing.ActivateAsync(typed, ct);
                if (result.GetValue(json)) { cli.Out.Json(installed.Json); return 0; }
                var activation = installed.Value;
                cli.Out.Line($"The license server is activated: License Server ID {activation.LicenseServerId}, valid until {Render.Date(activation.ExpiresAt)}.");
                return 0;
            }

            using var client = cli.Client(result);
            var chosen = result.GetValue(method) ?? (await client.PropertiesAsync(ct)).Value.ConnectionMethod;
            if (chosen == "automatic")
            {
                var info = await company.CompleteAsync(result, client, "activate automatically", namesOnly: false, ct);
                var activating = await client.ActivateAutomaticAsync(info, ct);
                if (result.GetValue(json)) { cli.Out.Json(activating.Json); return 0; }
                var activated = activating.Value;
                cli.Out.Line(activated.Message);
                cli.Out.Line("The company information was saved as the license server's properties.");
                return 0;
            }
            var country = CheckCountry(chosen, result.GetValue(company.Country));
            var instructions = await client.ActivationInstructionsAsync(chosen, country, ct);
            if (result.GetValue(json)) { cli.Out.Json(instructions.Json); return 0; }
            PrintInstructions(cli.Out, instructions.Value);
            return 0;
        });
        return command;
    }

    public static Command Reactivate(CliContext cli)
    {
        var reason = Options.OneOf("--reason", "Why: the server was redeployed, its certificate is corrupt, its private key compromised, its activation expired, or it was upgraded", Reasons);
        reason.Required = true;
        var method = Method("Connection method (default: the one in 'rdlic server properties')");
        var names = new CompanyOptions(required: false);
        var json = Options.Json();
        var command = new Command("reactivate", "Reactivate the license server (a new License Server ID; issued CALs stay valid)")
        {
            reason, method, names.FirstName, names.LastName, names.Country, json,
        };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var info = await names.CompleteAsync(result, client, "reactivate", namesOnly: true, ct);
            var chosen = result.GetValue(method);
            var reactivated = await client.ReactivateAsync(new ReactivationBody(result.GetValue(reason), chosen, info.FirstName, info.LastName,
                CheckCountry(chosen, result.GetValue(names.Country))), ct);
            if (result.GetValue(json)) { cli.Out.Json(reactivated.Json); return 0; }
            var answer = reactivated.Value;
            if (answer.Instructions is { } instructions) PrintInstructions(cli.Out, instructions);
            else cli.Out.Line(answer.Message);
            return 0;
        });
        return command;
    }

    public static Command Deactivate(CliContext cli)
    {
        var method = Method("Connection method (default: the one in 'rdlic server properties')");
        var names = new CompanyOptions(required: false);
        var confirmation = Options.Text("--confirmation-code", "CODE",
            "Web or telephone: finish with the confirmation code the clearinghouse gave for this server's deactivation request code");
        var json = Options.Json();
        var command = new Command("deactivate", "Deactivate the license server: it returns to not activated (no permanent Per Device CALs; temporary Per Device and Per User CALs only) until it is reactivated")
        {
            method, names.FirstName, names.LastName, names.Country, confirmation, json,
        };
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(confirmation) is { } typed)
            {
                if (result.GetValue(method) is not null) throw new UsageException("--confirmation-code finishes a web or telephone deactivation; it does not go with --method");
                try { DeactivationConfirmationCode.CheckTyping(typed); }
                catch (CodeFormatException e) { throw new UsageException($"--confirmation-code: {e.Message}"); }
                using var confirming = cli.Client(result);
                var confirmed = await confirming.DeactivateAsync(new DeactivationBody(null, null, null, null, typed), ct);
                if (result.GetValue(json)) { cli.Out.Json(confirmed.Json); return 0; }
                cli.Out.Line(confirmed.Value.Message);
                return 0;
            }
            using var client = cli.Client(result);
            var info = await names.CompleteAsync(result, client, "deactivate", namesOnly: true, ct);
            var chosen = result.GetValue(method);
            var deactivated = await client.DeactivateAsync(new DeactivationBody(chosen, info.FirstName, info.LastName,
                CheckCountry(chosen, result.GetValue(names.Country))), ct);
            if (result.GetValue(json)) { cli.Out.Json(deactivated.Json); return 0; }
            var answer = deactivated.Value;
            if (answer.Instructions is { } instructions)
            {
                cli.Out.Line("Nothing changed yet: this license server stays activated until you give it the clearinghouse's confirmation code.");
                PrintInstructions(cli.Out, instructions);
            }
            else cli.Out.Line(answer.Message);
            return 0;
        });
        return command;
    }

    /// <summary>Each group of a typed code carries a check character: a typing mistake is named here, before anything is sent.</summary>
    public static void CheckTyping(string code, string option)
    {
        try
        {
            LicenseServerIdCode.CheckTyping(code);
        }
        catch (CodeFormatException e)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }

    private static Option<string?> Method(string description) => Options.OneOf("--method", description, PropertiesCommands.Methods);

    /// <summary>The telephone method needs a country with a clearinghouse number; a wrong one is a usage error, listing the choices.</summary>
    private static string? CheckCountry(string? method, string? country)
    {
        if (method != "telephone" || country is null) return country;
        return TelephoneDirectory.Find(country)?.CountryRegion ?? throw new UsageException(
            $"--country: there is no clearinghouse telephone number for '{country}'; use one of {string.Join(", ", TelephoneDirectory.Entries.Select(e => e.CountryRegion))}");
    }

    private static void PrintInstructions(Render output, ActivationInstructionsView i)
    {
        output.Line($"Product ID:        {i.ProductId}");
        if (i.RequestCode is not null) output.Line($"Request code:      {i.RequestCode}");
        if (i.PageUrl is not null && i.Method == "web") output.Line($"Clearinghouse web: {i.PageUrl}");
        if (i.TelephoneNumber is not null) output.Line($"Telephone:         {i.TelephoneNumber} ({i.CountryRegion})");
        output.Line($"Next:              {i.NextStep}");
    }
}
