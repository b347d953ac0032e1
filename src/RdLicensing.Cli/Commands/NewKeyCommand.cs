using System.CommandLine;
using System.Text.Json;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Commands;

/// <summary>
/// `rdlic server new-key`: the license server's half of the vendor's key-compromise procedure, for when its current key cannot
/// sign its own rotation. The server prepares a new key; the file written here (the new key's proof: public key, nonce,
/// signature — nothing secret) goes to the vendor's operator, who records it with `rdlic clearinghouse keys record`; then
/// `rdlic server reactivate --reason key-compromised` is signed by the new key and adopts it.
/// </summary>
internal static class NewKeyCommand
{
    public static Command Create(CliContext cli)
    {
        var output = Options.Text("--out", "FILE", "Where to write the new key's proof for the vendor's operator (JSON: publicKey, nonce, signature)");
        var replace = Options.Flag("--replace", "Prepare another key even if one is prepared (the file made before no longer matches)");
        var discard = Options.Flag("--discard", "Discard the prepared key (a reactivation is then signed by the current key)");
        var json = Options.Json();
        var command = new Command("new-key",
            "Prepare a new identity key for the vendor's key-compromise procedure, when the current key cannot sign its own rotation")
        {
            output, replace, discard, json,
        };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            if (result.GetValue(discard))
            {
                if (result.GetValue(output) is not null || result.GetValue(replace))
                    throw new UsageException("--discard goes alone: it discards the prepared key (no --out, no --replace)");
                await client.DiscardNewKeyAsync(ct);
                if (result.GetValue(json)) { cli.Out.Json("{\"discarded\":true}"); return 0; }
                cli.Out.Line("The prepared identity key was discarded: a reactivation is signed by the current key again.");
                return 0;
            }
            var path = result.GetValue(output) is { } given ? Path.GetFullPath(given)
                : throw new UsageException("new-key needs --out FILE: where to write the new key's proof for the vendor's operator");
            if (Directory.Exists(path)) throw new UsageException($"--out: '{path}' is a directory; give a file name");
            var reply = await client.PrepareNewKeyAsync(result.GetValue(replace), ct);
            var key = reply.Value;
            try
            {
                var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                await using var file = new FileStream(path, create);
                await JsonSerializer.SerializeAsync(file, key.Proof, RdLicensing.ServiceDefaults.WireJson.Indented, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"--out: cannot write '{path}': {e.Message}. The key stays prepared: run the command again with another --out.");
            }
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            cli.Out.Line(key.Created
                ? $"Prepared new identity key {key.Fingerprint} to replace key {key.ReplacesFingerprint} of license server {key.ProductId}; its proof is in {path}."
                : $"The new identity key {key.Fingerprint} prepared on {Render.Date(key.CreatedAt)} is still waiting; its proof was written again to {path} (--replace makes another).");
            cli.Out.Line("It signs nothing yet. Give the file to the vendor's operator with a purchase identifier installed here (a retail code, an Open License number " +
                         "and its authorization number, or an agreement number); they record it with 'rdlic clearinghouse keys record'.");
            cli.Out.Line("Then run 'rdlic server reactivate --reason key-compromised' (or certificate-corrupt) here: signed by the new key, it makes it the identity key.");
            return 0;
        });
        return command;
    }
}
