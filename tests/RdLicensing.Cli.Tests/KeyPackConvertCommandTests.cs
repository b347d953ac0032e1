using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Time;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

/// <summary>`rdlic keypacks convert ID --quantity N` against a license server that calls a real clearinghouse.</summary>
public sealed class KeyPackConvertCommandTests
{
    private const string Nowhere = "http://127.0.0.1:1";

    [Fact]
    public async Task Convert_prints_what_was_converted_and_both_packs_and_list_shows_them_and_too_many_is_one_line()
    {
        var clock = new SimulatedTimeProvider(TimeProvider.System);
        await using var ch = await TestClearinghouse.StartAsync(clock);
        await using var server = await TestLicenseServer.StartAsync(clearinghouse: ch, sharedClock: clock);
        var activated = await server.Admin.PostAsJsonAsync("/api/admin/activation/automatic",
            new AutomaticActivationBody(new CompanyInformation("Ada", "Lovelace", "Contoso", "United Kingdom")));
        Assert.True(activated.IsSuccessStatusCode, await activated.Content.ReadAsStringAsync());
        var code = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 25);
        await Rdlic.OkAsync(server, "licenses", "install", "--program", "retail", "--code", code);
        var pack = Assert.Single((await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!);

        var output = await Rdlic.OkAsync(server, "keypacks", "convert", pack.Id.ToString(), "--quantity", "10");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"Converted 10 Windows Server 2022 RDS Per Device CALs of key pack {pack.Id} into RDS Per User CALs", lines[0]);
        Assert.Equal($"Windows Server 2022 - RDS Per Device CAL: 15 license(s), 15 available, key pack {pack.Id:D}.", lines[1]);
        Assert.Matches(@"^Windows Server 2022 - RDS Per User CAL: 10 license\(s\), 10 available, key pack [0-9a-f-]{36}\.$", lines[2]);
        var list = await Rdlic.OkAsync(server, "keypacks", "list");
        Assert.Matches(@"Windows Server 2022 - RDS Per Device CAL\s*│\s*License Pack \(Retail Purchase\)\s*│\s*15\s*│\s*15\s*│\s*0\s*│", list);
        Assert.Matches(@"Windows Server 2022 - RDS Per User CAL\s*│\s*License Pack \(Retail Purchase\)\s*│\s*10\s*│\s*10\s*│\s*0\s*│", list);

        var tooMany = await Rdlic.FailsAsync(server, 1, "keypacks", "convert", pack.Id.ToString(), "--quantity", "16");
        Assert.Contains("holds 15 Windows Server 2022 RDS Per Device CALs, so 16 cannot be converted", tooMany);
        Assert.Contains("Convert at most 15", tooMany);
    }

    [Theory]
    [InlineData("rdlic: ID must be a key pack id (a GUID from 'rdlic keypacks list'), not 'abc'", "keypacks", "convert", "abc", "--quantity", "3")]
    [InlineData("rdlic: --quantity must be a whole number from 1 to 1000000", "keypacks", "convert", "0d5f2a3e-31d4-4a4c-9a57-1c0e8f5b9c11", "--quantity", "0")]
    public async Task Wrong_arguments_are_one_line_and_exit_2(string expected, params string[] args)
    {
        Assert.Equal(expected, Rdlic.OneErrorLine(await Rdlic.RunAsync([.. args, "--server", Nowhere]), 2));
    }

    [Fact]
    public async Task A_missing_quantity_is_a_usage_error()
    {
        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync("keypacks", "convert", "0d5f2a3e-31d4-4a4c-9a57-1c0e8f5b9c11", "--server", Nowhere), 2);

        Assert.Contains("--quantity", line);
    }
}
