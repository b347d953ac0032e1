using System.Diagnostics;
using System.Globalization;
using RdLicensing.Cli.Output;
using Spectre.Console;

namespace RdLicensing.Cli.Bench;

/// <summary>One phase of the benchmark as the progress display shows it.</summary>
internal interface IPhase
{
    /// <summary>How far it got, out of the maximum given when it began, and what is happening now.</summary>
    void Report(double value, string? detail = null);

    /// <summary>Ends the phase with one line of what it did.</summary>
    void Done(string summary);
}

/// <summary>
/// Shows the benchmark's phases as they run: live bars on a terminal (Spectre.Console's progress display), one line
/// per finished phase when the output is redirected, nothing with --json (stdout is then the JSON alone).
/// </summary>
internal abstract class BenchProgress
{
    public static async Task<T> RunAsync<T>(Render output, bool json, Func<BenchProgress, Task<T>> benchmark)
    {
        if (json) return await benchmark(new Silent());
        if (!output.IsTerminal) return await benchmark(new Lines(output));
        // A console of its own: rdlic's Render is non-interactive (no cursor movement), which live bars need.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out), Interactive = InteractionSupport.Yes });
        var result = default(T);
        await console.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context => result = await benchmark(new Bars(context, Math.Max(30, console.Profile.Width - 45))));
        return result!;
    }

    public abstract IPhase Begin(string name, double maxValue = 1);

    private sealed class Silent : BenchProgress
    {
        public override IPhase Begin(string name, double maxValue = 1) => new NoPhase();

        private sealed class NoPhase : IPhase
        {
            public void Report(double value, string? detail = null) { }

            public void Done(string summary) { }
        }
    }

    private sealed class Lines(Render output) : BenchProgress
    {
        public override IPhase Begin(string name, double maxValue = 1) => new Phase(output, name);

        private sealed class Phase(Render output, string name) : IPhase
        {
            private readonly Stopwatch _clock = Stopwatch.StartNew();

            public void Report(double value, string? detail = null) { }

            public void Done(string summary) =>
                output.Line($"{name}: {summary} ({_clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)");
        }
    }

    /// <param name="width">Characters a description may take: the bar, percentage and time need the rest of a line.</param>
    private sealed class Bars(ProgressContext context, int width) : BenchProgress
    {
        public override IPhase Begin(string name, double maxValue = 1) =>
            new Phase(context.AddTask(Fit(name, width), maxValue: Math.Max(maxValue, 1)), name, width);

        /// <summary>One line per phase: a wrapped description would push the bars out of place.</summary>
        private static string Fit(string text, int width) => Markup.Escape(text.Length <= width ? text : text[..(width - 1)] + "…");

        private sealed class Phase(ProgressTask task, string name, int width) : IPhase
        {
            public void Report(double value, string? detail = null)
            {
                task.Value = Math.Min(value, task.MaxValue);
                if (detail is not null) task.Description = Fit($"{name}: {detail}", width);
            }

            public void Done(string summary)
            {
                task.Description = Fit($"{name}: {summary}", width);
                task.Value = task.MaxValue;
                task.StopTask();
            }
        }
    }
}
