using RdLicensing.Core.Time;

namespace RdLicensing.Core.Tests;

public class DurationTextTests
{
    [Theory]
    [InlineData("91d", 91 * 24 * 60)]
    [InlineData("2w", 14 * 24 * 60)]
    [InlineData("1d12h", 36 * 60)]
    [InlineData("30m", 30)]
    [InlineData("12h", 12 * 60)]
    [InlineData("1w2d3h4m", (9 * 24 + 3) * 60 + 4)]
    [InlineData("2D", 2 * 24 * 60)]
    [InlineData(" 3h ", 3 * 60)]
    public void TryParseReadsWhatPeopleType(string text, int expectedMinutes)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMinutes(expectedMinutes), duration);
    }

    [Fact]
    public void TryParseReadsSeconds()
    {
        Assert.True(DurationText.TryParse("90s", out var duration));
        Assert.Equal(TimeSpan.FromSeconds(90), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("d")]
    [InlineData("12")]
    [InlineData("-1d")]
    [InlineData("5x")]
    [InlineData("1d5")]
    [InlineData("1.5d")]
    [InlineData("0d")]
    [InlineData("1d 2h")]
    [InlineData("1234567d")]
    public void TryParseRejectsWhatIsNotADuration(string? text)
    {
        Assert.False(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.Zero, duration);
    }

    [Fact]
    public void TryParseRejectsADurationTooLargeForTimeSpan() =>
        Assert.False(DurationText.TryParse("999999w999999w", out _));
}
