using RdLicensing.Cli.Output;
using RdLicensing.Clearinghouse;
using Spectre.Console;

namespace RdLicensing.Cli.Hosting;

/// <summary>Where the clearinghouse listens and what it offers, printed once it runs. Never the token itself.</summary>
internal static class ClearinghouseBanner
{
    public static void Print(Render output, ClearinghouseOptions options, string url)
    {
        output.Line($"The RdLicensing clearinghouse is running (data in {Path.GetFullPath(options.DataDirectory)}).");
        output.Fields(new List<(string, Text)>
        {
            ("Clearinghouse", Render.Cell(url)),
            ("API base", Render.Cell(url + "/api/")),
            ("Web activation", Render.Cell(url + "/activate")),
            ("Web install", Render.Cell(url + "/install")),
            ("Operator console", Render.Cell(url + "/operator (sign in with the admin token)")),
            ("Certificate", Render.Cell(Path.GetFullPath(options.CertificatePath) + " (license servers trust this: --clearinghouse-cert)")),
            ("Admin token file", Render.Cell(Path.GetFullPath(options.AdminTokenPath) + " (keep it secret; rdlic clearinghouse reads it from there)")),
        });
    }
}
