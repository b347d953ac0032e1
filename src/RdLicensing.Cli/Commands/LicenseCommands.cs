using RdLicensing.Cli.Client;
using System.CommandLine;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic licenses install|migrate|release`: the Install Licenses wizard, Manage Licenses → migrate, and the source's release.</summary>
internal static class LicenseCommands
{
    public static readonly string[] Programs = Enum.GetValues<LicenseProgram>().Select(p => p.ToShortName()).ToArray();

    // A license key pack ID carries 19 bytes of grant and a 64-byte signature (KeyPackIdCode's format 1);
    // Core has no typing check for it yet, so the group checks run here with that length.

    public static Command Create(CliContext cli) => new("licenses", "Install CAL licenses through the clearinghouse, or migrate them from another license server")
    {
        Install(cli), Migrate(cli), Release(cli),
    };

    private static Command Install(CliContext cli)
    {
        var program = Options.OneOf("--program", "The license program the CALs were bought under", Programs);
        var code = Options.Text("--code", "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX", "Retail: the 25-character license code");
        var licenseNumber = Options.Text("--license-number", "NUMBER", "Open License: the 8-digit license number");
        var authorization = Options.Text("--authorization", "NUMBER", "Open License: the 15-character authorization number");
        var agreement = Options.Text("--agreement", "NUMBER", "Agreements (select, enterprise, campus, school, spla, other): the 7-digit agreement or enrollment number");
        var version = Options.Version("Agreements: the CAL version");
        var type = Options.CalType();
        type.Description = "Agreements: the CAL type";
        var count = Options.Int("--count", "N", "Agreements: how many CALs", 1, KeyPackGrant.MaxQuantity);
        var keyPackId = Options.Text("--key-pack-id", "CODE", "Install by the license key pack ID of a web or telephone install (no other option)");
        var method = Options.OneOf("--method", "web or telephone: print the request code to give the clearinghouse's install page or operator (then use --key-pack-id)",
            ["web", "telephone"]);
        var country = Options.Text("--country", "COUNTRY", "Telephone: the country or region you call from (default: the properties')");
        var json = Options.Json();
        var command = new Command("install", "Install Licenses: retail code, Open License, agreement, or a license key pack ID")
        {
            program, code, licenseNumber, authorization, agreement, version, type, count, keyPackId, method, country, json,
        };
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(method) is { } chosen)
            {
                if (result.GetValue(program) is not null || result.GetValue(keyPackId) is not null || result.GetValue(code) is not null ||
                    result.GetValue(licenseNumber) is not null || result.GetValue(authorization) is not null || result.GetValue(agreement) is not null ||
                    result.GetValue(version) is not null || result.GetValue(type) is not null || result.GetValue(count) is not null)
                    throw new UsageException("--method web|telephone only prints the request code: type the license identifiers on the clearinghouse's page (or read them to the operator), then run --key-pack-id CODE");
                using var asking = cli.Client(result);
                var asked = await asking.RequestCodeAsync(new RequestCodeBody("install", chosen, result.GetValue(country)), ct);
                if (result.GetValue(json)) { cli.Out.Json(asked.Json); return 0; }
                PrintRequestCode(cli, asked.Value);
                return 0;
            }
            var given = new (Option Option, bool Given)[]
            {
                (code, result.GetValue(code) is not null), (licenseNumber, result.GetValue(licenseNumber) is not null),
                (authorization, result.GetValue(authorization) is not null), (agreement, result.GetValue(agreement) is not null),
                (version, result.GetValue(version) is not null), (type, result.GetValue(type) is not null), (count, result.GetValue(count) is not null),
            };
            Reply<LicenseInstallResponse> reply;
            if (result.GetValue(keyPackId) is { } typed)
            {
                if (result.GetValue(program) is not null || given.Any(g => g.Given))
                    throw new UsageException("--key-pack-id installs on its own: the license key pack ID already says the program, version, type and count");
                CheckKeyPackIdTyping(typed);
                using var client = cli.Client(result);
                reply = await client.InstallKeyPackIdAsync(typed, ct);
            }
            else
            {
                var body = Body(result.GetValue(program), result, code, licenseNumber, authorization, agreement, version, type, count, given);
                using var client = cli.Client(result);
                reply = await client.InstallLicensesAsync(body, ct);
            }
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var installed = reply.Value;
            var p = installed.KeyPack;
            cli.Out.Line(installed.Message);
            cli.Out.Line($"{p.VersionName} - {Names.CalKind(p.Type)}: {p.Total} license(s), {p.ProgramName}, expires {(p.ExpiresAt is null ? "never" : Render.Date(p.ExpiresAt))}, key pack {p.Id:D}.");
            if (installed.KeyPackIdCode is { } kpid) cli.Out.Line($"License key pack ID (keep it for support): {kpid}");
            return 0;
        });
        return command;
    }

    /// <summary>Each program's identifiers, checked here (check characters, digit counts) before the license server is called.</summary>
    private static LicenseInstallBody Body(string? program, ParseResult result, Option<string?> code, Option<string?> licenseNumber, Option<string?> authorization,
        Option<string?> agreement, Option<string?> version, Option<string?> type, Option<int?> count, (Option Option, bool Given)[] given)
    {
        if (program is null)
            throw new UsageException($"licenses install needs --program ({string.Join(", ", Programs)}) with its identifiers, or --key-pack-id CODE");
        Option[] wanted = program switch
        {
            "retail" => [code],
            "open" => [licenseNumber, authorization],
            _ => [agreement, version, type, count],
        };
        if (given.FirstOrDefault(g => g.Given && !wanted.Contains(g.Option)) is { Option: { } extra })
            throw new UsageException($"{extra.Name} does not go with --program {program}; it needs {string.Join(", ", wanted.Select(o => o.Name))}");
        if (given.Where(g => wanted.Contains(g.Option) && !g.Given).Select(g => g.Option.Name).ToList() is { Count: > 0 } missing)
            throw new UsageException($"--program {program} needs {string.Join(", ", missing)}");

        switch (program)
        {
            case "retail":
                if (!LicenseIdentifiers.TryParseRetailCode(result.GetValue(code), out var canonical, out var error)) throw new UsageException($"--code: {error}");
                return new LicenseInstallBody(program, LicenseCode: canonical);
            case "open":
                var number = result.GetValue(licenseNumber)!.Trim();
                var auth = result.GetValue(authorization)!.Trim();
                if (!LicenseIdentifiers.IsOpenLicenseNumber(number)) throw new UsageException("--license-number: an Open License number has 8 digits");
                if (!LicenseIdentifiers.IsAuthorizationNumber(auth)) throw new UsageException("--authorization: an Open License authorization number has 15 letters or digits");
                return new LicenseInstallBody(program, LicenseNumber: number, AuthorizationNumber: auth);
            default:
                var agreementNumber = result.GetValue(agreement)!.Trim();
                if (!LicenseIdentifiers.IsAgreementNumber(agreementNumber)) throw new UsageException("--agreement: an agreement or enrollment number has 7 digits");
                return new LicenseInstallBody(program, AgreementNumber: agreementNumber, Version: result.GetValue(version), CalType: result.GetValue(type), Quantity: result.GetValue(count));
        }
    }

    /// <summary>What the administrator carries to the clearinghouse's page or operator for the web and telephone methods.</summary>
    private static void PrintRequestCode(CliContext cli, RequestCodeView request)
    {
        cli.Out.Line($"Product ID:        {request.ProductId}");
        cli.Out.Line($"Request code:      {request.RequestCode}");
        if (request.PageUrl is not null) cli.Out.Line($"Clearinghouse web: {request.PageUrl}");
        if (request.TelephoneNumber is not null) cli.Out.Line($"Telephone:         {request.TelephoneNumber} ({request.CountryRegion})");
        cli.Out.Line($"Next:              {request.NextStep}");
    }

    private static Option<Guid[]> KeyPackIds(string description) => new("--key-pack")
    {
        Description = description,
        HelpName = "ID",
        CustomParser = r =>
        {
            var ids = new List<Guid>();
            foreach (var token in r.Tokens)
            {
                if (Guid.TryParse(token.Value, out var id)) ids.Add(id);
                else r.AddError($"--key-pack must be a key pack id (a GUID from 'rdlic keypacks list'), not '{token.Value}'");
            }
            return ids.ToArray();
        },
    };

    /// <summary>
    /// `rdlic licenses release`: this (source) server gives up key packs for a migration — removed here at once (event 89). Automatic:
    /// signed to the clearinghouse now (the target then claims with --source-product-id). web/telephone: prints the release code to
    /// carry, with the target's request code, to the clearinghouse's migration page or operator.
    /// </summary>
    private static Command Release(CliContext cli)
    {
        var target = Options.Text("--target-product-id", "PRODUCT-ID", "The Product ID of the license server the CALs move to (required)");
        var keyPacks = KeyPackIds("Only this key pack (repeat for several; default: all of this server's)");
        var method = Options.OneOf("--method", "automatic (default: signed to the clearinghouse now), web or telephone (print a release code to carry)",
            ["automatic", "web", "telephone"]);
        var country = Options.Text("--country", "COUNTRY", "Telephone: the country or region you call from (default: the properties')");
        var json = Options.Json();
        var command = new Command("release", "Give up key packs of this server for a migration to another license server (they are removed here)")
        {
            target, keyPacks, method, country, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var targetId = result.GetValue(target)?.Trim() ?? throw new UsageException("licenses release needs --target-product-id PRODUCT-ID: the license server the CALs move to");
            var chosen = result.GetValue(method);
            if (result.GetValue(country) is not null && chosen != "telephone") throw new UsageException("--country goes with --method telephone");
            using var client = cli.Client(result);
            var releasing = await client.ReleaseAsync(new KeyPackReleaseBody(targetId, result.GetValue(keyPacks) is { Length: > 0 } ids ? ids : null,
                chosen, result.GetValue(country)), ct);
            if (result.GetValue(json)) { cli.Out.Json(releasing.Json); return 0; }
            var released = releasing.Value;
            cli.Out.Line(released.Message);
            foreach (var p in released.Released)
                cli.Out.Line($"  released {p.Id:D}: {p.VersionName} - {Names.CalKind(p.Type)}, {p.Total} license(s), {p.ProgramName}");
            if (released.ReleaseCode is { } code)
            {
                cli.Out.Line($"Release code:      {code}");
                if (released.PageUrl is not null) cli.Out.Line($"Clearinghouse web: {released.PageUrl}");
                if (released.TelephoneNumber is not null) cli.Out.Line($"Telephone:         {released.TelephoneNumber} ({released.CountryRegion})");
            }
            return 0;
        });
        return command;
    }

    private static Command Migrate(CliContext cli)
    {
        var from = Options.Text("--from", "URL", "The source license server, still running (its packs are removed there first)");
        var fromToken = Options.Text("--from-token", "TOKEN", "An administrator token of the source license server");
        var keyPacks = KeyPackIds("Only this key pack (repeat for several; default: all of the source's)");
        var sourceId = Options.Text("--source-license-server-id", "CODE", "The License Server ID of a source that no longer functions");
        var sourceVersionOption = Options.Checked("--source-version", "VERSION", $"The Windows Server version of the source that no longer functions; one of {Options.VersionList}",
            v => ProductVersions.TryParse(v, out var pv) ? pv.ToShortName() : null, $"--source-version must be one of {Options.VersionList}");
        var confirm = Options.Flag("--confirm-removed", "Confirm the source no longer functions and its CALs were removed from it");
        var sourceProductId = Options.Text("--source-product-id", "PRODUCT-ID", "Finish a migration: claim what that source already released to this server");
        // A dead source gives up only the packs whose original purchase identifiers are proven, as Microsoft's wizard asks them.
        var program = Options.OneOf("--program", "No longer functioning source: the license program the CALs were bought under", Programs);
        var codes = new Option<string[]>("--code") { Description = "Retail: a 25-character license code of the CALs to move (repeat for several)", HelpName = "CODE" };
        var licenseNumber = Options.Text("--license-number", "NUMBER", "Open License: the 8-digit license number");
        var authorization = Options.Text("--authorization", "NUMBER", "Open License: the 15-character authorization number");
        var agreement = Options.Text("--agreement", "NUMBER", "Agreements: the 7-digit agreement or enrollment number");
        var version = Options.Version("Agreements: the CAL version");
        var type = Options.CalType();
        type.Description = "Agreements: the CAL type";
        var method = Options.OneOf("--method", "web or telephone: print this (target) server's request code for the clearinghouse's migration page or operator " +
            "(with the source's release code), then install each license key pack ID it gives", ["web", "telephone"]);
        var country = Options.Text("--country", "COUNTRY", "Telephone: the country or region you call from (default: the properties')");
        var json = Options.Json();
        var command = new Command("migrate", "Migrate CALs from another license server to this one")
        {
            from, fromToken, keyPacks, sourceId, sourceVersionOption, confirm, sourceProductId, program, codes, licenseNumber, authorization, agreement, version, type, method, country, json,
        };
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(method) is { } chosenMethod)
            {
                var others = new Option[] { from, fromToken, keyPacks, sourceId, sourceVersionOption, confirm, sourceProductId, program, codes, licenseNumber, authorization, agreement, version, type }
                    .Where(o => result.GetResult(o) is { Implicit: false }).ToList();
                if (others.Count > 0)
                    throw new UsageException($"--method {chosenMethod} only prints the request code: {others[0].Name} is typed on the clearinghouse's migration page " +
                                             "(the source's release code, or its License Server ID and purchase identifiers), then run 'licenses install --key-pack-id CODE' for each pack");
                using var asking = cli.Client(result);
                var asked = await asking.RequestCodeAsync(new RequestCodeBody("migrate-in", chosenMethod, result.GetValue(country)), ct);
                if (result.GetValue(json)) { cli.Out.Json(asked.Json); return 0; }
                PrintRequestCode(cli, asked.Value);
                return 0;
            }
            var ids = result.GetValue(keyPacks) is { Length: > 0 } chosen ? chosen : null;
            var sources = new[] { result.GetValue(from) is not null, result.GetValue(sourceId) is not null, result.GetValue(sourceProductId) is not null };
            if (sources.Count(s => s) != 1)
                throw new UsageException("licenses migrate needs one source: --from URL --from-token TOKEN (running), or --source-license-server-id CODE --source-version VERSION --confirm-removed --program P and its identifiers (no longer functioning)");
            var identifiers = new Option[] { program, codes, licenseNumber, authorization, agreement, version, type }
                .Where(o => result.GetResult(o) is { Implicit: false }).ToList();
            if (result.GetValue(sourceId) is null && identifiers.Count > 0)
                throw new UsageException($"{identifiers[0].Name} goes with a source that no longer functions (--source-license-server-id): a running source gives up its licenses itself");
            MigrationBody body;
            if (result.GetValue(from) is { } url)
            {
                if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    throw new UsageException($"--from: '{url}' is not an http:// or https:// URL");
                var token = result.GetValue(fromToken) ?? throw new UsageException("--from needs --from-token TOKEN: an administrator token of the source license server");
                body = new MigrationBody(SourceUrl: url.Trim(), SourceToken: token.Trim(), KeyPackIds: ids);
            }
            else if (result.GetValue(sourceId) is { } code)
            {
                ActivationCommands.CheckTyping(code, "--source-license-server-id");
                var sourceVersion = result.GetValue(sourceVersionOption) ?? throw new UsageException("--source-license-server-id needs --source-version: the Windows Server version of the source");
                if (!result.GetValue(confirm))
                    throw new UsageException("--confirm-removed is required: confirm that the source license server no longer functions and its CALs were removed from it");
                var proofs = PurchaseProofs(result, program, codes, licenseNumber, authorization, agreement, version, type);
                body = new MigrationBody(SourceLicenseServerId: code, SourceVersion: sourceVersion, ConfirmRemoved: true, KeyPackIds: ids, PurchaseProofs: proofs);
            }
            else
            {
                body = new MigrationBody(SourceProductId: result.GetValue(sourceProductId)!.Trim(), KeyPackIds: ids);
            }
            using var client = cli.Client(result);
            var migrating = await client.MigrateAsync(body, ct);
            if (result.GetValue(json)) { cli.Out.Json(migrating.Json); return 0; }
            var migrated = migrating.Value;
            cli.Out.Line(migrated.Message);
            foreach (var p in migrated.Installed)
                cli.Out.Line($"  installed {p.Id:D}: {p.VersionName} - {Names.CalKind(p.Type)}, {p.Total} license(s), {p.ProgramName}");
            return 0;
        });
        return command;
    }

    /// <summary>The purchase identifiers of a dead source's packs, checked here (check characters, digit counts) before anything is sent.</summary>
    private static List<PurchaseProof> PurchaseProofs(ParseResult result, Option<string?> program, Option<string[]> codes, Option<string?> licenseNumber,
        Option<string?> authorization, Option<string?> agreement, Option<string?> version, Option<string?> type)
    {
        var name = result.GetValue(program)
                   ?? throw new UsageException("a source that no longer functions gives up only licenses whose purchase you prove: give --program and its identifiers " +
                                               "(retail: --code; open: --license-number --authorization; agreements: --agreement --version --type)");
        var given = new Option[] { codes, licenseNumber, authorization, agreement, version, type }.Where(o => result.GetResult(o) is { Implicit: false }).ToList();
        Option[] wanted = name switch
        {
            "retail" => [codes],
            "open" => [licenseNumber, authorization],
            _ => [agreement, version, type],
        };
        if (given.FirstOrDefault(o => !wanted.Contains(o)) is { } extra)
            throw new UsageException($"{extra.Name} does not go with --program {name}; it needs {string.Join(", ", wanted.Select(o => o.Name))}");
        if (wanted.Where(o => !given.Contains(o)).Select(o => o.Name).ToList() is { Count: > 0 } missing)
            throw new UsageException($"--program {name} needs {string.Join(", ", missing)}");
        switch (name)
        {
            case "retail":
                return result.GetValue(codes)!.Select(text =>
                    LicenseIdentifiers.TryParseRetailCode(text, out var canonical, out var error)
                        ? new PurchaseProof(name, LicenseCode: canonical)
                        : throw new UsageException($"--code: {error}")).ToList();
            case "open":
                var number = result.GetValue(licenseNumber)!.Trim();
                var auth = result.GetValue(authorization)!.Trim();
                if (!LicenseIdentifiers.IsOpenLicenseNumber(number)) throw new UsageException("--license-number: an Open License number has 8 digits");
                if (!LicenseIdentifiers.IsAuthorizationNumber(auth)) throw new UsageException("--authorization: an Open License authorization number has 15 letters or digits");
                return [new PurchaseProof(name, LicenseNumber: number, AuthorizationNumber: auth)];
            default:
                var agreementNumber = result.GetValue(agreement)!.Trim();
                if (!LicenseIdentifiers.IsAgreementNumber(agreementNumber)) throw new UsageException("--agreement: an agreement or enrollment number has 7 digits");
                return [new PurchaseProof(name, AgreementNumber: agreementNumber, Version: result.GetValue(version), CalType: result.GetValue(type))];
        }
    }

    private static void CheckKeyPackIdTyping(string code)
    {
        try
        {
            KeyPackIdCode.CheckTyping(code);
        }
        catch (CodeFormatException e)
        {
            throw new UsageException($"--key-pack-id: {e.Message}");
        }
    }
}
