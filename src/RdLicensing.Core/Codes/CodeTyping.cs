namespace RdLicensing.Core.Codes;

public enum TypingState
{
    /// <summary>Nothing typed yet.</summary>
    Empty,

    /// <summary>Some groups typed, every complete one correct.</summary>
    Partial,

    /// <summary>Every group typed and correct: the code can be sent.</summary>
    Complete,

    /// <summary>A group is wrong (named by <see cref="TypingProgress.WrongGroup"/>), or the code is too long or mistyped as a whole.</summary>
    Wrong,
}

/// <summary>What a code typed so far looks like, for feedback while it is typed; <see cref="Message"/> is the line to show.</summary>
public sealed record TypingProgress(TypingState State, int ExpectedGroups, int CorrectGroups, int? WrongGroup, string Message);

/// <summary>
/// Checks a code group by group while it is typed: each group of five is checked as soon as it is complete, so the
/// first wrong group is named at once instead of when the whole code is sent. Groups are read the way people type
/// them: separated by hyphens or spaces (then a group of the wrong length is named), or run together.
/// </summary>
public static class CodeTyping
{
    private const int GroupLength = 5;

    /// <summary>A grouped code with a check character per group (License Server ID, license key pack ID).</summary>
    public static TypingProgress SoFar(string kind, string? text, int byteCount, string codeName) =>
        Check(text, GroupedCode.GroupCount(byteCount), codeName, (index, group) => GroupedCode.GroupIsValid(kind, index, group), complete: null);

    /// <summary>
    /// A retail license code (five groups of five, each with its own check character): a group with a character no
    /// license code uses, of the wrong length or failing its check character is named as soon as it is complete. A
    /// whole code that passes the older whole-code check is complete too.
    /// </summary>
    public static TypingProgress RetailCode(string? text)
    {
        if (GroupedCode.Normalize(text).Length == 25 && LicenseIdentifiers.TryParseRetailCode(text, out _, out _))
            return new(TypingState.Complete, 5, 5, null, "All 5 groups are typed and each is correct.");
        return Check(text, 5, "license code", LicenseIdentifiers.RetailGroupIsValid, complete: () =>
            LicenseIdentifiers.TryParseRetailCode(text, out _, out var error) ? null : error);
    }

    /// <param name="groupIsValid">The per-group check of a complete group, after its characters passed the alphabet; null when a group has none of its own.</param>
    private static TypingProgress Check(string? text, int expected, string codeName, Func<int, string, bool>? groupIsValid, Func<string?>? complete)
    {
        var (groups, wrongLength) = Split(text);
        if (groups.Count == 0 && wrongLength is null)
            return new(TypingState.Empty, expected, 0, null, $"Type the {codeName}: {expected} groups of five characters.");

        var correct = 0;
        for (var i = 0; i < groups.Count; i++)
        {
            var group = groups[i];
            if (i >= expected)
                return new(TypingState.Wrong, expected, correct, null,
                    $"The {codeName} is too long: it has {expected} groups of five ({expected * GroupLength} characters), and more is typed. Remove what follows group {expected}.");
            if (group.FirstOrDefault(c => !GroupedCode.Alphabet.Contains(c)) is var bad and not '\0')
                return new(TypingState.Wrong, expected, correct, i + 1,
                    $"Group {i + 1} ({group}) is wrong: '{bad}' is not a character of a {codeName}. Check it and type it again.");
            if ((group.Length < GroupLength && i < groups.Count - 1) || (group.Length == GroupLength && groupIsValid?.Invoke(i, group) == false))
                return new(TypingState.Wrong, expected, correct, i + 1, group.Length == GroupLength
                    ? $"Group {i + 1} ({group}) is wrong. Check it and type it again."
                    : $"Group {i + 1} ({group}) is wrong: it has {group.Length} characters; each group has five.");
            if (group.Length == GroupLength) correct++;
            if (wrongLength == i)
                return new(TypingState.Wrong, expected, correct - 1, i + 1, $"Group {i + 1} ({group}…) is wrong: it has more than five characters; each group has five.");
        }
        if (correct < expected)
            return new(TypingState.Partial, expected, correct, null, $"{correct} of {expected} groups typed, each correct so far.");
        if (complete?.Invoke() is { } error)
            return new(TypingState.Wrong, expected, 0, null, error);
        return new(TypingState.Complete, expected, correct, null, $"All {expected} groups are typed and each is correct.");
    }

    /// <summary>
    /// The groups as typed (normalized like <see cref="GroupedCode.Normalize"/>). A separated part whose length is a
    /// multiple of five is read as several groups run together; any other part longer than five is wrong (its index).
    /// </summary>
    private static (List<string> Groups, int? WrongLength) Split(string? text)
    {
        var parts = (text ?? "").Split(['-', ' ', '\t', '\r', '\n', '\u2013', '\u2014'], StringSplitOptions.RemoveEmptyEntries)
            .Select(GroupedCode.Normalize).Where(p => p.Length > 0).ToList();
        var groups = new List<string>();
        for (var p = 0; p < parts.Count; p++)
        {
            var part = parts[p];
            var last = p == parts.Count - 1;
            if (part.Length <= GroupLength)
            {
                groups.Add(part);
                continue;
            }
            // Run together: whole groups, and on the last part what is being typed.
            if (part.Length % GroupLength == 0 || last)
            {
                groups.AddRange(part.Chunk(GroupLength).Select(c => new string(c)));
                continue;
            }
            groups.Add(part[..GroupLength]);
            return (groups, groups.Count - 1);
        }
        return (groups, null);
    }
}
