using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// How to start this very rdlic again as another process: `dotnet &lt;rdlic.dll&gt; …`. The dll is the assembly this code
/// runs from — the build output for ./rdlic, the test output folder (which holds rdlic.dll beside its runtimeconfig)
/// when tests run rdlic in-process — so it works whatever process hosts rdlic. The muxer is this process when it is
/// `dotnet` itself, else DOTNET_HOST_PATH (set by the SDK), else the `dotnet` at the root of the running runtime.
/// Published as one self-contained file (the Debian package), it has no dll: the executable itself is started again.
/// </summary>
internal static class RdlicExecutable
{
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "Empty in a single-file app, which StartInfo starts by its own executable instead.")]
    public static string Dll => typeof(RdlicApp).Assembly.Location;

    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var dll = Dll;
        if (string.IsNullOrEmpty(dll) && Environment.ProcessPath is { } executable && Path.GetFileNameWithoutExtension(executable) == "rdlic")
        {
            var single = new ProcessStartInfo(executable) { UseShellExecute = false };
            foreach (var argument in arguments) single.ArgumentList.Add(argument);
            return single;
        }
        if (string.IsNullOrEmpty(dll) || !File.Exists(dll))
            throw new CliException("cannot find rdlic.dll to start the license server as a child process (is rdlic published as a single file?); start a server yourself and pass --server URL --admin-token TOKEN.");
        var info = new ProcessStartInfo(Muxer()) { UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }

    private static string Muxer()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == name) return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var runtime = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar);
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(runtime)));
        if (root is not null && File.Exists(Path.Combine(root, name))) return Path.Combine(root, name);
        return name; // found on PATH, if anywhere
    }
}
