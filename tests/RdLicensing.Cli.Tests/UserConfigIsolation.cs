using System.Runtime.CompilerServices;

namespace RdLicensing.Cli.Tests;

internal static class UserConfigIsolation
{
    /// <summary>These tests also run rdlic without going through RdLicensing.Testing first: isolate the per-user file from the start.</summary>
    [ModuleInitializer]
    internal static void UseOwnFile() => RdLicensing.Testing.UserConfigIsolation.UseOwnFile();
}
