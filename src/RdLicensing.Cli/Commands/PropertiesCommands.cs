using System.CommandLine;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Protocol;
using Spectre.Console;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic server properties [set]`: the Properties dialog of RD Licensing Manager.</summary>
internal static class PropertiesCommands
{
    public static readonly string[] Methods = ["automatic", "web", "telephone"];

    public static Command Create(CliContext cli)
    {
        var json = Options.Json();
        var command = new Command("properties", "Connection method, telephone country and company information used for activation") { json, Set(cli) };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.PropertiesAsync(ct);
            if (result.GetValue(json)) cli.Out.Json(reply.Json);
            else Print(cli.Out, reply.Value);
            return 0;
        });
        return command;
    }

    private static Command Set(CliContext cli)
    {
        var method = Options.OneOf("--method", "Connection method to the clearinghouse", Methods);
        method.Required = true;
        var company = new CompanyOptions(required: true);
        var json = Options.Json();
        var command = new Command("set", "Set the connection method and the company information") { method, json };
        company.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.SetPropertiesAsync(new PropertiesBody(result.GetValue(method), null, company.Read(result)), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var saved = reply.Value;
            cli.Out.Line("The license server properties were saved.");
            Print(cli.Out, saved);
            return 0;
        });
        return command;
    }

    public static void Print(Render output, PropertiesView p)
    {
        var c = p.Company;
        output.Fields(new List<(string, Text)>
        {
            ("Connection method", Render.Cell(p.ConnectionMethod switch { "web" => "web browser", var m => m })),
            ("Telephone", Render.Cell(p.TelephoneNumber is null ? "-" : $"{p.TelephoneNumber} ({p.CountryRegion})")),
            ("Clearinghouse", Render.Cell(p.ClearinghouseUrl ?? "no address configured (web and telephone methods only)")),
            ("First name", Render.Cell(c.FirstName ?? "-")),
            ("Last name", Render.Cell(c.LastName ?? "-")),
            ("Company", Render.Cell(c.Company ?? "-")),
            ("Country/Region", Render.Cell(c.CountryRegion ?? "-")),
            ("E-mail", Render.Cell(c.Email ?? "-")),
            ("Organizational unit", Render.Cell(c.OrganizationalUnit ?? "-")),
            ("Address", Render.Cell(string.Join(", ", new[] { c.Address, c.City, c.StateProvince, c.PostalCode }.Where(x => x is not null)) is { Length: > 0 } a ? a : "-")),
        });
    }
}

/// <summary>
/// The company information of the Activate Server wizard as options: first name, last name, company and
/// country/region are required for activation; the rest is optional.
/// </summary>
internal sealed class CompanyOptions
{
    public CompanyOptions(bool required)
    {
        FirstName = Options.Text("--first-name", "NAME", "First name", required);
        LastName = Options.Text("--last-name", "NAME", "Last name (family name)", required);
        Company = Options.Text("--company", "NAME", "Company", required);
        Country = Options.Text("--country", "COUNTRY", "Country or region (the telephone method calls there)", required);
    }

    public Option<string?> FirstName { get; }
    public Option<string?> LastName { get; }
    public Option<string?> Company { get; }
    public Option<string?> Country { get; }
    public Option<string?> Email { get; } = Options.Text("--email", "ADDRESS", "E-mail (optional)");
    public Option<string?> Unit { get; } = Options.Text("--ou", "UNIT", "Organizational unit (optional)");
    public Option<string?> Address { get; } = Options.Text("--address", "TEXT", "Address (optional)");
    public Option<string?> City { get; } = Options.Text("--city", "CITY", "City (optional)");
    public Option<string?> State { get; } = Options.Text("--state", "STATE", "State or province (optional)");
    public Option<string?> PostalCode { get; } = Options.Text("--postal-code", "CODE", "Postal code (optional)");

    public void AddTo(Command command)
    {
        foreach (var option in new[] { FirstName, LastName, Company, Country, Email, Unit, Address, City, State, PostalCode }) command.Add(option);
    }

    public CompanyInformation Read(ParseResult result) => new(
        Clean(result.GetValue(FirstName)), Clean(result.GetValue(LastName)), Clean(result.GetValue(Company)), Clean(result.GetValue(Country)),
        Clean(result.GetValue(Email)), Clean(result.GetValue(Unit)), Clean(result.GetValue(Address)), Clean(result.GetValue(City)),
        Clean(result.GetValue(State)), Clean(result.GetValue(PostalCode)));

    /// <summary>What was typed, completed from the saved properties; a required field still missing is named, and nothing is sent.</summary>
    public async Task<CompanyInformation> CompleteAsync(ParseResult result, LicenseServerClient client, string purpose, bool namesOnly, CancellationToken ct)
    {
        var typed = Read(result);
        var required = namesOnly ? new[] { typed.FirstName, typed.LastName } : [typed.FirstName, typed.LastName, typed.Company, typed.CountryRegion];
        if (required.All(v => v is not null)) return typed;
        var saved = (await client.PropertiesAsync(ct)).Value.Company;
        var merged = new CompanyInformation(typed.FirstName ?? saved.FirstName, typed.LastName ?? saved.LastName, typed.Company ?? saved.Company,
            typed.CountryRegion ?? saved.CountryRegion, typed.Email ?? saved.Email, typed.OrganizationalUnit ?? saved.OrganizationalUnit,
            typed.Address ?? saved.Address, typed.City ?? saved.City, typed.StateProvince ?? saved.StateProvince, typed.PostalCode ?? saved.PostalCode);
        var missing = new (Option<string?> Option, string? Value)[] { (FirstName, merged.FirstName), (LastName, merged.LastName), (Company, merged.Company), (Country, merged.CountryRegion) }
            .Take(namesOnly ? 2 : 4).Where(x => x.Value is null).Select(x => x.Option.Name).ToList();
        if (missing.Count > 0)
            throw new UsageException($"{string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} required to {purpose} (nothing was sent; or save them with 'rdlic server properties set').");
        return merged;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
