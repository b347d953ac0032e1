using RdLicensing.Cli.Bench;

namespace RdLicensing.Cli.Tests;

/// <summary>The bench's watch on a server's tiered compiler (/proc/PID/task/TID/stat), which decides when the server is steady.</summary>
public sealed class TieredCompilerTests
{
    [Fact]
    public void The_cpu_time_is_utime_plus_stime_even_when_the_thread_name_holds_spaces_and_parentheses()
    {
        const string stat = "4242 (.NET Tiered Com) S 4200 4200 4200 0 -1 4194368 1500 0 0 0 731 129 0 0 20 0 40 0 9000 0 0";
        Assert.Equal(860, TieredCompiler.CpuTicks(stat));
        Assert.Equal(5, TieredCompiler.CpuTicks("7 (a) b) c) R 1 1 1 0 -1 0 0 0 0 0 2 3 0 0 20 0 1 0 1 0 0"));
        Assert.Null(TieredCompiler.CpuTicks("7 (cut short) R 1 1"));
        Assert.Null(TieredCompiler.CpuTicks("not a stat line"));
    }

    [Fact]
    public void A_process_that_does_not_exist_has_no_figure_and_a_running_one_has_one()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.Null(TieredCompiler.CpuSeconds(int.MaxValue));
        Assert.True(TieredCompiler.CpuSeconds(Environment.ProcessId) >= 0);
    }
}
