using System.CommandLine;
using RdLicensing.Cli.Output;
using Spectre.Console;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic keypacks list|install|convert`.</summary>
internal static class KeyPackCommands
{
    public static Command Create(CliContext cli) => new("keypacks", "Installed CAL key packs")
    {
        List(cli), Install(cli), Convert(cli),
    };

    private static Command List(CliContext cli)
    {
        var json = Options.Json();
        var command = new Command("list", "Installed key packs, as RD Licensing Manager lists them") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.KeyPacksAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0)
            {
                cli.Out.Line("No key packs are installed. Install one with 'rdlic keypacks install --file FILE'.");
                return 0;
            }
            var table = Render.Table("License Version and Type", "License Program", "Total", "Available", "Issued", "Expiry Date", "Keypack ID");
            foreach (var p in reply.Value)
                table.AddRow(Render.Cell(VersionAndType(p)), Render.Cell(p.ProgramName), Render.Number(p.Total), Render.Number(p.Available),
                    Render.Number(p.Issued), Render.Cell(p.ExpiresAt is null ? "Never" : Render.Date(p.ExpiresAt)), Render.Cell(p.Id.ToString("D")));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Install(CliContext cli)
    {
        var file = Options.ExistingFile("--file", "The key pack file the clearinghouse issued for this license server");
        var json = Options.Json();
        var command = new Command("install", "Install a key pack file (Install Licenses)") { file, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.InstallKeyPackAsync(await File.ReadAllTextAsync(result.GetValue(file)!, ct), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var pack = reply.Value;
            cli.Out.Line("The licenses have been successfully installed.");
            cli.Out.Line($"{VersionAndType(pack)}: {pack.Total} license(s), {pack.ProgramName}, expires {(pack.ExpiresAt is null ? "never" : Render.Date(pack.ExpiresAt))}, key pack {pack.Id:D}.");
            return 0;
        });
        return command;
    }

    private static Command Convert(CliContext cli)
    {
        var id = new Argument<Guid>("ID")
        {
            Description = "The key pack whose licenses are converted (its id, from 'rdlic keypacks list')",
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
                if (Guid.TryParse(text, out var value)) return value;
                r.AddError($"ID must be a key pack id (a GUID from 'rdlic keypacks list'), not '{text}'");
                return Guid.Empty;
            },
        };
        var quantity = Options.Int("--quantity", "N", "How many unissued licenses to convert", 1, KeyPackGrant.MaxQuantity);
        quantity.Required = true;
        var json = Options.Json();
        var command = new Command("convert",
            "Convert Licenses: unissued licenses of a key pack become the other CAL type (Per Device <-> Per User), same version, through the clearinghouse " +
            "(Windows Server 2012 and later)") { id, quantity, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.ConvertKeyPackAsync(result.GetValue(id), result.GetValue(quantity)!.Value, ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var converted = reply.Value;
            cli.Out.Line(converted.Message);
            if (converted.Source is { } source)
                cli.Out.Line($"{VersionAndType(source)}: {source.Total} license(s), {source.Available} available, key pack {source.Id:D}.");
            cli.Out.Line($"{VersionAndType(converted.Converted)}: {converted.Converted.Total} license(s), {converted.Converted.Available} available, key pack {converted.Converted.Id:D}.");
            return 0;
        });
        return command;
    }

    private static string VersionAndType(KeyPackView pack) => $"{pack.VersionName} - {Names.CalKind(pack.Type)}";
}
