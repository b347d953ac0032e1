using System.CommandLine;
using System.CommandLine.Help;
using RdLicensing.Cli.Commands;

namespace RdLicensing.Cli;

/// <summary>
/// The rdlic command line. Runs fully in-process: output goes to the given writers, and the cancellation
/// token plays the part of Ctrl+C. Exit codes: 0 done, 1 failed (server problem, unreachable), 2 wrong usage.
/// </summary>
public static class RdlicApp
{
    /// <summary>Set to 1, an unexpected error (a bug, not an error rdlic explains) is followed by its whole stack trace.</summary>
    public const string DebugVariable = "RDLIC_DEBUG";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        var cli = new CliContext(stdout, stderr);
        var root = BuildRoot(cli);
        var result = root.Parse(args);
        if (args.Length == 0) result = root.Parse(["--help"]);
        if (result.Errors.Count > 0 && result.Action is not HelpAction)
        {
            stderr.WriteLine("rdlic: " + ParseErrors.Describe(result));
            return CliException.Usage;
        }
        try
        {
            return await result.InvokeAsync(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            }, ct);
        }
        catch (CliException e)
        {
            stderr.WriteLine("rdlic: " + OneLine(e.Message));
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            stderr.WriteLine("rdlic: cancelled.");
            return 130;
        }
        catch (Exception e)
        {
            // Not an error rdlic explains: a bug. One line for the administrator; the whole trace with RDLIC_DEBUG=1.
            stderr.WriteLine("rdlic: " + OneLine(e.Message));
            if (Environment.GetEnvironmentVariable(DebugVariable) == "1") stderr.WriteLine(e);
            return CliException.Failure;
        }
    }

    /// <summary>The whole command tree (writing nowhere): for tests that check every command.</summary>
    public static Command CommandTree() => BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null));

    internal static Command BuildRoot(CliContext cli)
    {
        var root = new Command("rdlic", "RdLicensing: an open Remote Desktop license server and its administration tool.")
        {
            cli.Server, cli.Token, cli.Data,
            UpCommand.Create(cli),
            ServerCommands.Create(cli),
            KeyPackCommands.Create(cli),
            LicenseCommands.Create(cli),
            CalCommands.Create(cli),
            ReportCommands.Create(cli),
            EventCommands.Create(cli),
            ClockCommands.Create(cli),
            HostCommands.Create(cli),
            PolicyCommands.Create(cli),
            AlertCommands.Create(cli),
            SessionHostCommands.Create(cli),
            ConnectCommand.Create(cli),
            ConnectCommand.Disconnect(cli),
            DiagnoseCommand.Create(cli),
            ClearinghouseCommands.Create(cli),
            BenchCommands.Create(cli),
        };
        root.Add(new HelpOption());
        root.Add(new VersionOption());
        return root;
    }

    /// <summary>Messages come from servers and exceptions: keep them to one printable line.</summary>
    internal static string OneLine(string message) =>
        new string(message.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
}
