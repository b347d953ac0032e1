using System.Security.Cryptography;

namespace RdLicensing.Core.Cals;

/// <summary>The documented periods of the CAL lifecycle, in one place.</summary>
public static class CalRules
{
    public static readonly TimeSpan TemporaryValidity = TimeSpan.FromDays(90);
    public const int PermanentMinDays = 52;
    public const int PermanentMaxDays = 89;

    /// <summary>A presented permanent CAL whose expiry is this close (inclusive) is renewed.</summary>
    public static readonly TimeSpan RenewalWindow = TimeSpan.FromDays(7);

    public static readonly TimeSpan PerUserValidity = TimeSpan.FromDays(60);

    /// <summary>
    /// "Shortly before expiry" is not quantified by the original. We extend a Per User CAL at a sign-in
    /// in the last 14 days (inclusive) of its validity: long enough for users who sign in every other week.
    /// </summary>
    public static readonly TimeSpan PerUserExtensionWindow = TimeSpan.FromDays(14);

    /// <summary>A Per User CAL's license can go to a different user only this long after it was assigned.</summary>
    public static readonly TimeSpan PerUserReassignmentDelay = TimeSpan.FromDays(90);
}

/// <summary>Chooses the random 52–89 day validity of a permanent Per Device CAL.</summary>
public interface IPermanentValidity
{
    /// <summary>A whole number of days from <see cref="CalRules.PermanentMinDays"/> to <see cref="CalRules.PermanentMaxDays"/>, inclusive.</summary>
    int NextDays();
}

public sealed class RandomPermanentValidity : IPermanentValidity
{
    public int NextDays() => RandomNumberGenerator.GetInt32(CalRules.PermanentMinDays, CalRules.PermanentMaxDays + 1);
}
