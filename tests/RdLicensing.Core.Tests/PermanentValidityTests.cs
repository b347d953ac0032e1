using RdLicensing.Core.Cals;

namespace RdLicensing.Core.Tests;

public class PermanentValidityTests
{
    [Fact]
    public void RandomValidityStaysWithin52And89DaysAndReachesBothEnds()
    {
        var validity = new RandomPermanentValidity();
        var seen = new HashSet<int>();

        for (var i = 0; i < 20_000; i++)
        {
            var days = validity.NextDays();
            Assert.InRange(days, 52, 89);
            seen.Add(days);
        }

        Assert.Contains(52, seen);
        Assert.Contains(89, seen);
    }
}
