using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Hosting;
using RdLicensing.Cli.Output;
using RdLicensing.Clearinghouse;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using Spectre.Console;

namespace RdLicensing.Cli.Commands;

/// <summary>
/// `rdlic clearinghouse run|codes|open-licenses|agreements|activations|installs|keys|events`: the vendor's side — run the
/// clearinghouse, create what customers buy, see what was activated and installed, record a license server's new key
/// (the key-compromise procedure), see the security events.
/// </summary>
internal static class ClearinghouseCommands
{
    private static readonly string[] AgreementPrograms = ["select", "enterprise", "campus", "school", "spla", "other"];

    private sealed record Connections(Option<string?> Url, Option<string?> Token);

    public static Command Create(CliContext cli)
    {
        var connection = new Connections(
            new Option<string?>("--clearinghouse")
            {
                Description = $"Clearinghouse URL (default: RDLIC_CLEARINGHOUSE, else <data>/rdlic.json, else {ClearinghouseConnection.DefaultUrl})",
                HelpName = "URL",
                Recursive = true,
            },
            new Option<string?>("--clearinghouse-token")
            {
                Description = "Clearinghouse administrator token (default: RDLIC_CLEARINGHOUSE_TOKEN, else <data>/clearinghouse/admin.token)",
                HelpName = "TOKEN",
                Recursive = true,
            });
        return new Command("clearinghouse", "The clearinghouse (vendor side): run it, create license codes, Open Licenses and agreements, list activations and installs")
        {
            connection.Url, connection.Token,
            Run(cli),
            new Command("codes", "Retail license codes (License Pack (Retail Purchase))") { IssueCodes(cli, connection), ListCodes(cli, connection) },
            new Command("open-licenses", "Open Licenses (license number + authorization number)") { AddOpenLicense(cli, connection), ListOpenLicenses(cli, connection) },
            new Command("agreements", "Volume agreements (Select, Enterprise, Campus, School, SPLA, other) and their entitlements")
            {
                AddAgreement(cli, connection), ListAgreements(cli, connection),
            },
            new Command("activations", "License servers activated") { ListActivations(cli, connection) },
            new Command("installs", "Key packs granted to license servers") { ListInstalls(cli, connection) },
            new Command("keys", "License servers' identity keys: the vendor operator's key-compromise procedure")
            {
                RecordServerKey(cli, connection), ListServerKeys(cli, connection),
            },
            ListSecurityEvents(cli, connection),
        };
    }

    private static ClearinghouseClient Client(CliContext cli, Connections connection, ParseResult result) =>
        new(ClearinghouseConnection.Resolve(result.GetValue(connection.Url), result.GetValue(connection.Token), cli.DataDirectory(result)));

    private static Command Run(CliContext cli)
    {
        var dataDir = Options.Text("--data-dir", "DIR", "Database, certificate and admin.token directory (default <data>/clearinghouse, i.e. ./data/clearinghouse)");
        var urls = Options.Text("--urls", "URL", $"Where to listen (default {ClearinghouseConnection.DefaultUrl})");
        var config = ServiceConfigurationFlags.ConfigOption();
        var command = new Command("run", "Run only the clearinghouse, until Ctrl+C") { dataDir, urls, config };
        command.SetAction((result, ct) =>
        {
            const string section = RdLicensing.Clearinghouse.Hosting.ClearinghouseConfiguration.Section;
            var configuration = ServiceConfigurationFlags.Build(cli, result, config, new Dictionary<string, string?>
                {
                    [$"{section}:DataDirectory"] = Path.Combine(cli.ServicesDataDirectory(result), "clearinghouse"),
                    [$"{section}:Urls"] = ClearinghouseConnection.DefaultUrl,
                },
                [.. ServiceConfigurationFlags.Flag(result, dataDir, $"{section}:DataDirectory"), .. ServiceConfigurationFlags.Flag(result, urls, $"{section}:Urls")]);
            return ClearinghouseRunner.RunAsync(cli.Out,
                ServiceConfigurationFlags.Configured(() => RdLicensing.Clearinghouse.Hosting.ClearinghouseConfiguration.Load(configuration)), ct);
        });
        return command;
    }

    private static Command IssueCodes(CliContext cli, Connections connection)
    {
        var program = Options.OneOf("--program", "License program of the codes (retail: License Pack (Retail Purchase))", "retail");
        var version = Required(Options.Version("Version of the CALs"));
        var type = Required(CalTypeOption());
        var count = Required(Options.Int("--count", "N", "CALs each code grants", 1, KeyPackGrant.MaxQuantity));
        var codes = Options.Int("--codes", "N", "How many codes to create (default 1)", 1, 1000);
        var json = Options.Json();
        var command = new Command("issue", "Create retail license codes, each usable once, e.g. '--version 2022 --type per-device --count 50'")
        {
            program, version, type, count, codes, json,
        };
        command.SetAction(async (result, ct) =>
        {
            using var client = Client(cli, connection, result);
            var reply = await client.IssueCodesAsync(new RetailCodesRequest(result.GetValue(version), result.GetValue(type), result.GetValue(count), result.GetValue(codes) ?? 1), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var first = reply.Value[0];
            cli.Out.Line($"Created {reply.Value.Count} retail license code(s), each for {first.Quantity} {Names.Version(first.Version)} {Names.CalKind(first.CalType)}(s), usable once:");
            foreach (var code in reply.Value) cli.Out.Line(code.Code);
            return 0;
        });
        return command;
    }

    private static Command ListCodes(CliContext cli, Connections connection)
    {
        var json = Options.Json();
        var command = new Command("list", "Every retail license code and the license server that used it") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = Client(cli, connection, result);
            var reply = await client.CodesAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0) { cli.Out.Line("No license codes yet. Create some with 'rdlic clearinghouse codes issue --version 2022 --type per-device --count 50'."); return 0; }
            var table = Render.Table("License code", "Version", "Type", "CALs", "Used by", "Used at");
            foreach (var c in reply.Value)
                table.AddRow(Render.Cell(c.Code), Render.Cell(Names.Version(c.Version)), Render.Cell(Names.Type(c.CalType)), Render.Number(c.Quantity),
                    Render.Cell(c.UsedByProductId ?? "-"), Render.Cell(Render.Time(c.UsedAt)));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command AddOpenLicense(CliContext cli, Connections connection)
    {
        var version = Required(Options.Version("Version of the CALs"));
        var type = Required(CalTypeOption());
        var count = Required(Options.Int("--count", "N", "CALs the Open License grants", 1, KeyPackGrant.MaxQuantity));
        var number = Options.Text("--license-number", "NUMBER", "8-digit license number (default: generated)");
        var authorization = Options.Text("--authorization", "NUMBER", "15-character authorization number (default: generated)");
        var json = Options.Json();
        var command = new Command("add", "Create an Open License, usable once") { version, type, count, number, authorization, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = Client(cli, connection, result);
            var reply = await client.AddOpenLicenseAsync(new OpenLicenseRequest(result.GetValue(number), result.GetValue(authorization),
                result.GetValue(version), result.GetValue(type), result.GetValue(count)), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var o = reply.Value;
            cli.Out.Line($"Created an Open License for {o.Quantity} {Names.Version(o.Version)} {Names.CalKind(o.CalType)}(s), usable once:");
            cli.Out.Fields([("License number", Render.Cell(o.LicenseNumber)), ("Authorization number", Render.Cell(o.AuthorizationNumber))]);
            return 0;
        });
        return command;
    }

    private static Command ListOpenLicenses(CliContext cli, Connections connection)
    {
        var json = Options.Json();
        var command = new Command("list", "Every Open License and the license server that used it") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = Client(cli, connection, result);
            var reply = await client.OpenLicensesAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0) { cli.Out.Line("No Open Licenses yet. Create one with 'rdlic clearinghouse open-licenses add --version 2022 --type per-user --count 25'."); return 0; }
            var table = Render.Table("License number", "Authorization number", "Version", "Type", "CALs", "Used by");
            foreach (var o in reply.Value)
                table.AddRow(Render.Cell(o.LicenseNumber), Render.Cell(o.AuthorizationNumber), Render.Cell(Names.Version(o.Version)), Render.Cell(Names.Type(o.CalType)),
                    Render.Number(o.Quantity), Render.Cell(o.UsedByProductId ?? "-"));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command AddAgreement(CliContext cli, Connections connection)
    {
        var program = Required(Options.OneOf("--program", "The agreement's license program", AgreementPrograms));
        var number = Options.Text("--number", "NUMBER", "7-digit agreement (enrollment) number (default: generated)");
        var entitlements = EntitlementOption();
        var json = Options.Json();
        var command = new Command("add", "Create an agreement with its entitlements, e.g. '--program enterprise --entitlement 2022:per-user:100'")
        {
            program, number, entitlements, json,
        };
        command.SetAction(async (result, ct) =>
        {
            using var client = Client(cli, connection, result);
            var reply = await client.AddAgreementAsync(new AgreementRequest(result.GetValue(program), result.GetValue(number), result.GetValue(entitlements)), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            cli.Out.Line($"Created {Program(reply.Value.Program)} {reply.Value.Number}, entitling:");
            foreach (var e in reply.Value.Entitlements) cli.Out.Line($"  {e.Quantity} {Names.Version(e.Version)} {Names.CalKind(e.CalType)}(s)");
            return 0;
        });
        return command;
    }

    private static Command ListAgreements(CliContext cli, Connections connection)
    {
        var json = Options.Json();
        var command = new Command("list", "Agreements with each entitlement's quantity, drawn and remaining") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = Client(cli, connection, result);
            var reply = await client.AgreementsAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0) { cli.Out.Line("No agreements yet. Create one with 'rdlic clearinghouse agreements add --program enterprise --entitlement 2022:per-user:100'."); return 0; }
            var table = Render.Table("Agreement", "Program", "Version", "Type", "Quantity", "Drawn", "Remaining");
            foreach (var a in reply.Value)
                foreach (var e in a.Entitlements)
                    table.AddRow(Render.Cell(a.Number), Render.Cell(Program(a.Program)), Render.Cell(Names.Version(e.Version)), Render.Cell(Names.Type(e.CalType)),
                        Render.Number(e.Quantity), Render.Number(e.Drawn), Render.Number(e.Remaining));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command ListActivations(CliContext cli, Connections connection)
    {
        var json = Options.Json();
        var command = new Command("list", "Activations, newest first") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = Client(cli, connection, result);
            var reply = await client.ActivationsAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0) { cli.Out.Line("No license server has been activated yet."); return 0; }
            var table = Render.Table("Activated", "Product ID", "Method", "Status", "Company", "Contact", "Reason", "Expires");
            foreach (var a in reply.Value)
                table.AddRow(Render.Cell(Render.Time(a.ActivatedAt)), Render.Cell(a.ProductId), Render.Cell(a.Method), Render.Cell(a.Status),
                    Render.Cell(a.Company.Company ?? "-"), Render.Cell($"{a.Company.FirstName} {a.Company.LastName}"), Render.Cell(a.Reason ?? "-"),
                    Render.Cell(Render.Date(a.ExpiresAt)));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command ListInstalls(CliContext cli, Connections connection)
    {
        var json = Options.Json();
        var command = new Command("list", "Key packs granted, newest first") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = Client(cli, connection, result);
            var reply = await client.InstallsAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0) { cli.Out.Line("No key packs have been granted yet."); return 0; }
            var table = Render.Table("Installed", "Product ID", "Program", "Identifier", "Version", "Type", "CALs", "Status", "Key pack ID");
            foreach (var i in reply.Value)
                table.AddRow(Render.Cell(Render.Time(i.InstalledAt)), Render.Cell(i.ProductId), Render.Cell(Program(i.Program)), Render.Cell(i.Identifier),
                    Render.Cell(Names.Version(i.Version)), Render.Cell(Names.Type(i.CalType)), Render.Number(i.Quantity), Render.Cell(i.Status),
                    Render.Cell(i.KeyPackId.ToString("D")));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// `keys record`: the "private key compromised" path with the vendor's operator — records a license server's new key, proven by
    /// the new key's own signature (the file the license server made) and one purchase identifier installed on that server.
    /// </summary>
    private static Command RecordServerKey(CliContext cli, Connections connection)
    {
        var productId = Required(Options.Text("--product-id", "PRODUCT-ID", "The license server whose key is replaced"));
        var newKey = Required(Options.Text("--new-key", "FILE", "The new key's proof made by the license server: JSON with publicKey, nonce and signature"));
        var reason = Options.OneOf("--reason", "Why the key is replaced (default key-compromised)", "key-compromised", "certificate-corrupt");
        var retailCode = Options.Text("--retail-code", "CODE", "Ownership: a retail license code installed on that server");
        var licenseNumber = Options.Text("--license-number", "NUMBER", "Ownership: an Open License number installed on that server (with --authorization)");
        var authorization = Options.Text("--authorization", "NUMBER", "Ownership: the Open License's authorization number");
        var agreement = Options.Text("--agreement", "NUMBER", "Ownership: the agreement number of a key pack installed on that server");
        var json = Options.Json();
        var command = new Command("record", "Record a license server's new identity key when its old key cannot sign the rotation (retires the old key)")
        {
            productId, newKey, reason, retailCode, licenseNumber, authorization, agreement, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var proofs = new[] { result.GetValue(retailCode) is not null, result.GetValue(licenseNumber) is not null, result.GetValue(agreement) is not null }.Count(g => g);
            if (proofs != 1)
                throw new UsageException("keys record needs one proof of ownership: --retail-code CODE, --license-number NUMBER --authorization NUMBER, or --agreement NUMBER");
            if ((result.GetValue(licenseNumber) is null) != (result.GetValue(authorization) is null))
                throw new UsageException("--license-number and --authorization go together: the Open License's two numbers");
            var body = new VendorKeyBody(ReadNewKey(result.GetValue(newKey)!), result.GetValue(reason), result.GetValue(retailCode)?.Trim(),
                result.GetValue(licenseNumber)?.Trim(), result.GetValue(authorization)?.Trim(), result.GetValue(agreement)?.Trim());
            using var client = Client(cli, connection, result);
            var reply = await client.RecordServerKeyAsync(result.GetValue(productId)!.Trim(), body, ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var k = reply.Value;
            cli.Out.Line($"Recorded key {k.Fingerprint} for license server {k.ProductId} ({k.Reason}); key {k.RetiredFingerprint} is retired and signs nothing more here.");
            cli.Out.Line($"Next, on that license server: rdlic server reactivate --reason {k.Reason} (signed by the new key).");
            return 0;
        });
        return command;
    }

    /// <summary>The new key's proof, as the license server writes it (NewKeyBody JSON); a file problem is one line, exit 2.</summary>
    private static NewKeyBody ReadNewKey(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--new-key: cannot read '{path}': {e.Message}");
        }
        NewKeyBody? body;
        try
        {
            body = System.Text.Json.JsonSerializer.Deserialize<NewKeyBody>(text, RdLicensing.ServiceDefaults.WireJson.Options);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }
        return body is { PublicKey: not null, Nonce: not null, Signature: not null }
            ? body
            : throw new UsageException($"--new-key: '{path}' is not a new key's proof (JSON with publicKey, nonce and signature, made by the license server)");
    }

    private static Command ListServerKeys(CliContext cli, Connections connection)
    {
        var productId = Required(Options.Text("--product-id", "PRODUCT-ID", "The license server"));
        var json = Options.Json();
        var command = new Command("list", "Every identity key recorded for a license server, newest first, and why each was retired") { productId, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = Client(cli, connection, result);
            var reply = await client.ServerKeysAsync(result.GetValue(productId)!.Trim(), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var table = Render.Table("Key", "Recorded", "Installation", "Retired", "Reason");
            foreach (var k in reply.Value)
                table.AddRow(Render.Cell(k.Fingerprint), Render.Cell(Render.Time(k.RecordedAt)), Render.Cell(k.InstallationId ?? "-"),
                    Render.Cell(k.RetiredAt is null ? "current" : Render.Time(k.RetiredAt)), Render.Cell(k.RetiredReason ?? "-"));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command ListSecurityEvents(CliContext cli, Connections connection)
    {
        var productId = Options.Text("--product-id", "PRODUCT-ID", "Only the events naming this license server");
        var json = Options.Json();
        var command = new Command("events", "Security events in one list, newest first: refused attempts to act for a license server without its proof, " +
                                            "and addresses and Product IDs locked out after too many unrecognized identifiers") { productId, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = Client(cli, connection, result);
            var reply = await client.SecurityEventsAsync(result.GetValue(productId)?.Trim(), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0)
            {
                cli.Out.Line("No security events: no request for a license server was refused for want of its proof, and no address or license server was locked out.");
                return 0;
            }
            var table = Render.Table("Time", "Kind", "Address", "Product ID", "Request", "Detail");
            foreach (var e in reply.Value)
                table.AddRow(Render.Cell(Render.Time(e.OccurredAt)), Render.Cell(e.Kind), Render.Cell(e.ClientAddress ?? "-"), Render.Cell(e.ProductId ?? "-"),
                    Render.Cell(e.Route), Render.Cell(e.Detail));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static string Program(string shortName) => LicensePrograms.TryParse(shortName, out var p) ? p.ToDisplayName() : shortName;

    private static T Required<T>(T option) where T : Option
    {
        option.Required = true;
        return option;
    }

    private static Option<string?> CalTypeOption() => Options.Checked("--type", "per-device|per-user", "Type of the CALs",
        t => CalTypes.TryParse(t, out var type) ? type.ToShortName() : null, "--type must be per-device or per-user");

    /// <summary>--entitlement VERSION:TYPE:COUNT, repeatable; checked while parsing.</summary>
    private static Option<List<EntitlementBody>> EntitlementOption() => new("--entitlement")
    {
        Description = "What the agreement entitles, VERSION:TYPE:COUNT (e.g. 2022:per-user:100); repeat for more",
        HelpName = "VERSION:TYPE:COUNT",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        CustomParser = ParseEntitlements,
    };

    private static List<EntitlementBody> ParseEntitlements(ArgumentResult result)
    {
        var entitlements = new List<EntitlementBody>();
        foreach (var token in result.Tokens)
        {
            var parts = token.Value.Split(':');
            if (parts.Length != 3 || !Core.Versions.ProductVersions.TryParse(parts[0], out var version) || !CalTypes.TryParse(parts[1], out var type) ||
                !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > KeyPackGrant.MaxQuantity)
            {
                result.AddError($"--entitlement must be VERSION:TYPE:COUNT like 2022:per-user:100 (version one of {Options.VersionList}, type per-device or per-user, count 1 to {KeyPackGrant.MaxQuantity}), not '{token.Value}'");
                return entitlements;
            }
            entitlements.Add(new EntitlementBody(Core.Versions.ProductVersions.ToShortName(version), type.ToShortName(), count));
        }
        return entitlements;
    }
}
