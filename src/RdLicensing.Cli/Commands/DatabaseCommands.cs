using System.CommandLine;
using RdLicensing.Cli.Output;
using RdLicensing.LicenseServer.Recovery;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic server rebuild-database|backup|restore`: recovering the license server database.</summary>
internal static class DatabaseCommands
{
    public static Command Rebuild(CliContext cli)
    {
        var yes = Options.Flag("--yes", "Really delete every key pack and issued CAL (without it: show what would be deleted)");
        var json = Options.Json();
        var command = new Command("rebuild-database", "Delete every installed key pack and issued CAL, then reinstall what the clearinghouse reissues") { yes, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            if (!result.GetValue(yes))
            {
                var status = (await client.StatusAsync(ct)).Value;
                var temporary = status.Pools.Sum(p => p.Temporary);
                cli.Out.Line($"Rebuilding the database of license server {status.ProductId} deletes {status.KeyPacks} key pack(s) " +
                             $"({status.Pools.Sum(p => p.Total)} license(s), {status.Pools.Sum(p => p.Issued)} issued) and every issued CAL ({temporary} temporary, {status.OverUsedPerUserCals} OverUsed).");
                cli.Out.Line("Then the clearinghouse is asked to reissue the key packs recorded for this server (automatic connection method).");
                cli.Out.Line("Nothing was deleted. To do it, run: rdlic server rebuild-database --yes");
                return CliException.Usage;
            }
            var rebuilding = await client.RebuildDatabaseAsync(DatabaseRebuilder.Confirmation, ct);
            if (result.GetValue(json)) { cli.Out.Json(rebuilding.Json); return 0; }
            var rebuilt = rebuilding.Value;
            cli.Out.Line(rebuilt.Message);
            foreach (var p in rebuilt.Reinstalled)
                cli.Out.Line($"  reinstalled {p.Id:D}: {p.VersionName} - {Names.CalKind(p.Type)}, {p.Total} license(s), {p.ProgramName}");
            return 0;
        });
        return command;
    }

    public static Command Backup(CliContext cli)
    {
        var output = new Option<string>("--out") { Description = "Where to write the backup (it holds the server's private key: keep it safe)", HelpName = "FILE", Required = true };
        var json = Options.Json();
        var command = new Command("backup", "Save a consistent copy of the license server database, identity included") { output, json };
        command.SetAction(async (result, ct) =>
        {
            var path = Path.GetFullPath(result.GetValue(output)!);
            if (Directory.Exists(path)) throw new UsageException($"--out: '{path}' is a directory; give a file name");
            using var client = cli.Client(result);
            var productId = (await client.StatusAsync(ct)).Value.ProductId;
            var bytes = await client.BackupAsync(ct);
            var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var file = new FileStream(path, create)) await file.WriteAsync(bytes, ct);
            if (result.GetValue(json)) { cli.Out.JsonOf(new { productId, file = path, bytes = bytes.Length }); return 0; }
            cli.Out.Line($"Saved a backup of license server {productId} (database and identity, {Math.Max(1, bytes.Length / 1024)} KiB) to {path}.");
            cli.Out.Line("It holds the server's private key: keep it as safe as the server. Restore it with 'rdlic server restore --file FILE' while the server is stopped.");
            return 0;
        });
        return command;
    }

    public static Command Restore(CliContext cli)
    {
        var file = Options.ExistingFile("--file", "The backup made by 'rdlic server backup'");
        var dataDir = Options.Text("--data-dir", "DIR", "The stopped license server's data directory (default <data>/license-server)");
        var keepIdentity = Options.Flag("--keep-identity",
            "Restore the backed-up server itself (its identity, activation and key packs), as after the loss of its machine; only where no other copy of it runs. " +
            "Without it, a new data directory gets a new identity (not activated, no key packs: migrate them through the clearinghouse)");
        var json = Options.Json();
        var command = new Command("restore", "Restore a backup into a stopped license server's data directory") { file, dataDir, keepIdentity, json };
        command.SetAction(async (result, ct) =>
        {
            var directory = Path.GetFullPath(result.GetValue(dataDir) ?? Path.Combine(cli.DataDirectory(result), "license-server"));
            RestoreOutcome outcome;
            try
            {
                outcome = await DatabaseRestorer.RestoreAsync(Path.GetFullPath(result.GetValue(file)!), directory, result.GetValue(keepIdentity), TimeProvider.System, ct);
            }
            catch (InvalidOperationException e)
            {
                throw new CliException(e.Message);
            }
            if (result.GetValue(json))
            {
                cli.Out.JsonOf(new
                {
                    directory, identity = outcome.Identity.ToString().ToLowerInvariant(), outcome.ProductId, outcome.BackedUpProductId, outcome.PreviousProductId,
                    keyPacks = outcome.KeyPacks.Count, available = outcome.KeyPacks.Sum(p => p.Available),
                    removedKeyPacks = outcome.RemovedKeyPacks.Count, outcome.RemovedCals, outcome.AdminTokenNote,
                });
                return 0;
            }
            Print(cli.Out, outcome, directory);
            return 0;
        });
        return command;
    }

    private static void Print(Render output, RestoreOutcome o, string directory)
    {
        var available = o.KeyPacks.Sum(p => p.Available);
        switch (o.Identity)
        {
            case RestoredIdentity.Directory:
                output.Line($"Restored the backup's data into {directory}, keeping this server's identity: license server {o.ProductId}.");
                if (o.RemovedKeyPacks.Count > 0)
                {
                    var from = o.RemovedKeyPacks[0].Origin.LicenseServerProductId;
                    output.Line($"Removed {o.RemovedKeyPacks.Count} key pack(s) ({o.RemovedKeyPacks.Sum(p => p.Total)} license(s), {o.RemovedCals} issued CAL(s)) bound to license server {from}: " +
                                $"they do not come back here; the clearinghouse must reissue them to {o.ProductId} (migrate them: rdlic licenses migrate).");
                }
                break;
            case RestoredIdentity.New:
                output.Line($"Restored the backup's data into {directory} under a NEW identity: license server {o.ProductId}, not activated " +
                            $"(the backup is of license server {o.BackedUpProductId}, which keeps its identity and its licenses).");
                if (o.RemovedKeyPacks.Count > 0)
                    output.Line($"Not restored: {o.RemovedKeyPacks.Count} key pack(s) ({o.RemovedKeyPacks.Sum(p => p.Total)} license(s)) and {o.RemovedCals} issued CAL(s) of license server {o.BackedUpProductId}. " +
                                $"Activate this server, then migrate the licenses from {o.BackedUpProductId} (rdlic licenses migrate).");
                output.Line("To bring back the backed-up server itself after the loss of its machine, restore with --keep-identity instead (only where no other copy of it runs).");
                break;
            default:
                output.Line($"Restored the backup into {directory}: this is license server {o.ProductId} again, its unissued licenses back in their key packs.");
                if (o.PreviousProductId is { } previous && previous != o.ProductId)
                    output.Line($"The data directory held license server {previous} before; its database was replaced.");
                break;
        }
        output.Line($"{o.KeyPacks.Count} key pack(s) installed, {available} license(s) available.");
        if (o.AdminTokenNote is { } note) output.Line(note);
        output.Line("Start the license server again (rdlic up, or rdlic server run).");
    }
}
