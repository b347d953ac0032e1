using System.Globalization;

namespace RdLicensing.Cli.Bench;

/// <summary>A process's resident memory as Linux reports it in /proc/&lt;pid&gt;/status, in MiB; null where there is no /proc or no such process.</summary>
internal static class ProcessMemory
{
    /// <summary>VmRSS: resident now.</summary>
    public static double? ResidentMiB(int pid) => Field(pid, "VmRSS:");

    /// <summary>VmHWM: the most ever resident (high-water mark) — a peak no sampling can miss.</summary>
    public static double? PeakResidentMiB(int pid) => Field(pid, "VmHWM:");

    private static double? Field(int pid, string name)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
                var kib = line[name.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return Math.Round(long.Parse(kib, CultureInfo.InvariantCulture) / 1024.0, 1);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // The process ended (or this is not Linux): no figure rather than a failed benchmark.
        }
        return null;
    }
}
