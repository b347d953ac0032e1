using RdLicensing.Core.Codes;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Signing;

namespace RdLicensing.Core.Tests;

/// <summary>Feedback while a code is typed: each group is checked as soon as it is complete and the first wrong one is named.</summary>
public sealed class CodeTypingTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly KeyAuthority _clearinghouse = KeyAuthority.Create("Typing Clearinghouse", T0);
    private readonly string _code;

    public CodeTypingTests() => _code = LicenseServerIdCode.Issue(_clearinghouse, LicenseServerIdentity.Create().ProductId, 7, T0, T0.AddDays(730));

    public void Dispose() => _clearinghouse.Dispose();

    [Fact]
    public void Nothing_typed_asks_for_the_thirty_groups()
    {
        var progress = LicenseServerIdCode.CheckTypingSoFar("  ");
        Assert.Equal((TypingState.Empty, 30, 0), (progress.State, progress.ExpectedGroups, progress.CorrectGroups));
        Assert.Contains("30 groups of five", progress.Message);
    }

    [Theory]
    [InlineData("-")]
    [InlineData(" ")]
    [InlineData("")]
    public void Complete_groups_are_counted_as_they_are_typed_with_any_separator_or_none(string separator)
    {
        var groups = _code.Split('-');
        var typed = string.Join(separator, groups.Take(7)) + separator + groups[7][..3].ToLowerInvariant();

        var progress = LicenseServerIdCode.CheckTypingSoFar(typed);

        Assert.Equal((TypingState.Partial, 7, (int?)null), (progress.State, progress.CorrectGroups, progress.WrongGroup));
        Assert.Equal("7 of 30 groups typed, each correct so far.", progress.Message);
    }

    [Fact]
    public void The_whole_code_is_complete_and_matches_the_full_check()
    {
        var progress = LicenseServerIdCode.CheckTypingSoFar(_code.Replace('-', ' '));
        Assert.Equal((TypingState.Complete, 30), (progress.State, progress.CorrectGroups));
        LicenseServerIdCode.CheckTyping(_code);
    }

    [Fact]
    public void A_mistyped_group_is_named_as_soon_as_it_is_complete_even_before_the_rest_is_typed()
    {
        var groups = _code.Split('-');
        groups[2] = groups[2][..4] + (groups[2][4] == 'A' ? 'B' : 'A');

        var progress = LicenseServerIdCode.CheckTypingSoFar(string.Join('-', groups.Take(4)));

        Assert.Equal((TypingState.Wrong, 3, 2), (progress.State, progress.WrongGroup, progress.CorrectGroups));
        Assert.Equal($"Group 3 ({groups[2]}) is wrong. Check it and type it again.", progress.Message);
        Assert.Equal(3, Assert.Throws<CodeFormatException>(() => LicenseServerIdCode.CheckTyping(string.Join('-', groups))).Group);
    }

    [Fact]
    public void A_short_group_between_separators_is_named_by_its_length()
    {
        var groups = _code.Split('-');
        groups[1] = groups[1][..4];

        var progress = LicenseServerIdCode.CheckTypingSoFar(string.Join('-', groups.Take(3)));

        Assert.Equal((TypingState.Wrong, 2), (progress.State, progress.WrongGroup));
        Assert.Contains("has 4 characters; each group has five", progress.Message);
    }

    [Fact]
    public void A_character_no_code_uses_is_named_in_its_group_at_once()
    {
        var progress = LicenseServerIdCode.CheckTypingSoFar(_code[..6] + "U");
        Assert.Equal((TypingState.Wrong, 2), (progress.State, progress.WrongGroup));
        Assert.Contains("'U' is not a character of a License Server ID", progress.Message);
    }

    [Fact]
    public void Typing_past_the_last_group_is_too_long()
    {
        var progress = LicenseServerIdCode.CheckTypingSoFar(_code + "-AB");
        Assert.Equal(TypingState.Wrong, progress.State);
        Assert.Null(progress.WrongGroup);
        Assert.Contains("too long", progress.Message);
    }

    [Fact]
    public void A_license_key_pack_id_has_thirty_four_groups()
    {
        Assert.Equal(34, KeyPackIdCode.CheckTypingSoFar("").ExpectedGroups);
    }

    [Fact]
    public void A_retail_code_names_a_group_with_a_wrong_character_or_length_and_checks_the_whole_code_at_the_end()
    {
        var code = LicenseIdentifiers.NewRetailCode();
        Assert.Equal(TypingState.Complete, CodeTyping.RetailCode(code).State);
        Assert.Equal(TypingState.Complete, CodeTyping.RetailCode(code.Replace("-", "").ToLowerInvariant()).State);
        Assert.Equal((TypingState.Partial, 2), (CodeTyping.RetailCode(code[..13]).State, CodeTyping.RetailCode(code[..13]).CorrectGroups));

        var groups = code.Split('-');
        var withU = groups.ToArray();
        withU[2] = "U" + withU[2][1..];
        var wrong = CodeTyping.RetailCode(string.Join('-', withU));
        Assert.Equal((TypingState.Wrong, 3), (wrong.State, wrong.WrongGroup));
        Assert.StartsWith($"Group 3 ({withU[2]}) is wrong: 'U' is not a character of a license code.", wrong.Message);

        var shortGroup = CodeTyping.RetailCode($"{groups[0]}-{groups[1][..4]}-{groups[2]}");
        Assert.Equal(2, shortGroup.WrongGroup);

        var last = code[^1] == 'A' ? 'B' : 'A'; // a different check character never matches
        var mistyped = CodeTyping.RetailCode(code[..^1] + last);
        Assert.Equal((TypingState.Wrong, 5, 4), (mistyped.State, mistyped.WrongGroup, mistyped.CorrectGroups));
        Assert.StartsWith($"Group 5 ({groups[4][..4]}{last}) is wrong.", mistyped.Message);
    }

    [Fact]
    public void A_mistyped_retail_group_is_named_and_the_groups_after_it_are_not_shown_correct()
    {
        // Issue 15: a mistyped code showed five green groups beside a "mistyped" naming no group.
        var code = LicenseIdentifiers.NewRetailCode();
        var groups = code.Split('-');
        // The first replacement of group 2's second character its check character catches (31 of 32 are).
        var typo = GroupedCode.Alphabet.Where(c => c != groups[1][1]).Select(c => groups[1][..1] + c + groups[1][2..])
            .First(g => !LicenseIdentifiers.RetailGroupIsValid(1, g));
        var typed = string.Join('-', groups[0], typo, groups[2], groups[3], groups[4]);

        var progress = CodeTyping.RetailCode(typed);
        Assert.Equal((TypingState.Wrong, 2, 1), (progress.State, progress.WrongGroup, progress.CorrectGroups));
        Assert.Equal($"Group 2 ({typo}) is wrong. Check it and type it again.", progress.Message);
        Assert.False(LicenseIdentifiers.TryParseRetailCode(typed, out _, out var error, out var wrongGroup));
        Assert.Equal(2, wrongGroup);
        Assert.Contains($"group 2 ({typo}) is wrong", error);
        // Positive control: the code as sold is complete and parses.
        Assert.Equal(TypingState.Complete, CodeTyping.RetailCode(code).State);
    }

    [Fact]
    public void A_retail_code_issued_before_the_group_checks_is_still_accepted_whole()
    {
        const string data = "ABCDE12345FGHJK67890MNP";
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes("RETAIL/" + data));
        var legacy = GroupedCode.Format(data + GroupedCode.Alphabet[hash[0] & 31] + GroupedCode.Alphabet[hash[1] & 31]);

        Assert.True(LicenseIdentifiers.TryParseRetailCode(legacy, out var parsed, out _));
        Assert.Equal(legacy, parsed);
        Assert.Equal(TypingState.Complete, CodeTyping.RetailCode(legacy).State);
        var broken = legacy[..^1] + (legacy[^1] == 'A' ? 'B' : 'A');
        Assert.False(LicenseIdentifiers.TryParseRetailCode(broken, out _, out _));
    }
}
