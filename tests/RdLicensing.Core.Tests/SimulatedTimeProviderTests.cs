using RdLicensing.Core.Time;
using static RdLicensing.Core.Tests.TestData;

namespace RdLicensing.Core.Tests;

public class SimulatedTimeProviderTests
{
    [Fact]
    public void WithoutOffsetItShowsTheRealTime()
    {
        var clock = new SimulatedTimeProvider(new ManualTimeProvider(T0));

        Assert.Equal(T0, clock.GetUtcNow());
    }

    [Fact]
    public void InitialOffsetIsAppliedFromTheStart()
    {
        var clock = new SimulatedTimeProvider(new ManualTimeProvider(T0), TimeSpan.FromDays(30));

        Assert.Equal(T0.AddDays(30), clock.GetUtcNow());
    }

    [Fact]
    public void AdvancingMovesTheClockByExactlyThatAmount()
    {
        var clock = new SimulatedTimeProvider(new ManualTimeProvider(T0));

        clock.Advance(TimeSpan.FromDays(91));

        Assert.Equal(T0.AddDays(91), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromDays(91), clock.Offset);
    }

    [Fact]
    public void AdvancesAddUp()
    {
        var clock = new SimulatedTimeProvider(new ManualTimeProvider(T0));

        clock.Advance(TimeSpan.FromDays(90));
        clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(T0.AddDays(90).AddHours(1), clock.GetUtcNow());
    }

    [Fact]
    public void SimulatedClockKeepsRunningWithTheRealClock()
    {
        var real = new ManualTimeProvider(T0);
        var clock = new SimulatedTimeProvider(real);
        clock.Advance(TimeSpan.FromDays(10));

        real.Now = T0.AddMinutes(5);

        Assert.Equal(T0.AddDays(10).AddMinutes(5), clock.GetUtcNow());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-86400 * 10_000_000L)]
    public void AdvancingBackwardsThrowsAndLeavesTheClockAlone(long ticks)
    {
        var clock = new SimulatedTimeProvider(new ManualTimeProvider(T0));
        clock.Advance(TimeSpan.FromDays(1));

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(ticks)));
        Assert.Equal(T0.AddDays(1), clock.GetUtcNow());
    }
}
