using RdLicensing.Core.Codes;

namespace RdLicensing.LicenseServer.Console.Models;

/// <summary>What the page must do, with the license server's API, to carry out a move a wizard decided.</summary>
public enum WizardCall
{
    /// <summary>Nothing: show <see cref="WizardMove{TStep}.Step"/>.</summary>
    None,

    /// <summary>Ask the server where to take the request (web page or telephone number) before showing the step.</summary>
    Instructions,

    /// <summary>Carry out the wizard's action (activate, reactivate, deactivate); the page shows its result or its refusal.</summary>
    Finish,
}

/// <summary>
/// A wizard's answer to Next (or Finish): the step to show, the refusals — by field (<see cref="Errors"/>, each beside its
/// input) or for the whole page (<see cref="Error"/>) — the typed code's progress, and the call the page makes.
/// </summary>
public sealed record WizardMove<TStep>(TStep Step, IReadOnlyDictionary<string, string> Errors, string? Error = null, WizardCall Call = WizardCall.None,
    TypingProgress? Code = null) where TStep : struct, Enum
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    /// <summary>Forward to <paramref name="step"/>, nothing refused.</summary>
    public static WizardMove<TStep> To(TStep step, WizardCall call = WizardCall.None) => new(step, None, Call: call);

    /// <summary>Stay on <paramref name="step"/> with the fields' errors.</summary>
    public static WizardMove<TStep> Refused(TStep step, IReadOnlyDictionary<string, string> errors) => new(step, errors);

    /// <summary>Stay on <paramref name="step"/> with one error for the page.</summary>
    public static WizardMove<TStep> Refused(TStep step, string error) => new(step, None, error);

    public bool IsRefused => Errors.Count > 0 || Error is not null || Code is { State: not TypingState.Complete };
}

/// <summary>The steps a posted form may claim, for every wizard: a forged or unknown number starts again at the first.</summary>
public static class WizardRules
{
    /// <summary>
    /// <paramref name="posted"/> as a step between <paramref name="first"/> and <paramref name="last"/> (the last one the
    /// choices made have); anything else is <paramref name="first"/>.
    /// </summary>
    public static TStep Of<TStep>(int posted, TStep first, TStep last) where TStep : struct, Enum
    {
        var (low, high) = (Convert.ToInt32(first, System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt32(last, System.Globalization.CultureInfo.InvariantCulture));
        return posted >= low && posted <= high ? (TStep)Enum.ToObject(typeof(TStep), posted) : first;
    }
}
