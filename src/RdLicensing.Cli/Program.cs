using System.Runtime.InteropServices;
using RdLicensing.Cli;

// Ctrl+C and SIGTERM cancel the running command; `rdlic up` and `rdlic server run` then stop the server cleanly.
// A second Ctrl+C ends the process at once.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
return await RdlicApp.RunAsync(args, Console.Out, Console.Error, stop.Token);
