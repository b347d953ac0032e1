using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.LicenseServer.Console.Models;

/// <summary>The Manage Licenses wizard's pages, in licmgr's order; the form carries the current one (the shared <c>WizardState</c>).</summary>
public enum ManageStep
{
    /// <summary>Migrate licenses, or rebuild the database.</summary>
    Action = 1,

    /// <summary>Why the licenses move: the source still runs, or no longer functions.</summary>
    Source,

    /// <summary>A running source: its address and administrator token.</summary>
    Running,

    /// <summary>A running source's key packs, those to move ticked.</summary>
    Packs,

    /// <summary>A source that no longer functions: its License Server ID, version, and the purchase proofs of the packs to move.</summary>
    Dead,

    /// <summary>What will move, before Finish.</summary>
    Confirm,

    /// <summary>Rebuild: the confirmation that the database is deleted.</summary>
    Rebuild,

    /// <summary>The result.</summary>
    Done,
}

/// <summary>A refusal of a step: the message and the field it is about (its input is marked invalid), if any.</summary>
public sealed record WizardError(string Message, string? Field);

/// <summary>What the Manage Licenses form posts: the step, the button, and every value typed on any step.</summary>
public sealed class ManageLicensesForm
{
    public string? Step { get; set; }
    public string? Action { get; set; }
    public string? Choice { get; set; }
    public string? Reason { get; set; }
    public string? SourceUrl { get; set; }
    public string? SourceToken { get; set; }
    public string? SourceKey { get; set; }
    public string? LicenseServerId { get; set; }
    public string? SourceVersion { get; set; }
    public bool ConfirmRemoved { get; set; }
    public bool ConfirmDelete { get; set; }
    public string? Program { get; set; }
    public string? Codes { get; set; }
    public string? LicenseNumber { get; set; }
    public string? AuthorizationNumber { get; set; }
    public string? AgreementNumber { get; set; }
    public string? AgreementVersion { get; set; }
    public string? AgreementType { get; set; }
}

/// <summary>
/// The Manage Licenses wizard as a state machine: which pages there are for the choices made, where Back and Next lead, and
/// the checks of the steps that need nothing but the form (the page does the calls to the source and the API). Pure, so
/// each step is unit-tested.
/// </summary>
public static class ManageLicensesWizard
{
    /// <summary>The step a posted form is on; anything unknown (or Done, which is never posted) starts again at Action.</summary>
    public static ManageStep StepOf(string? posted) =>
        int.TryParse(posted, out var n) && Enum.IsDefined((ManageStep)n) && (ManageStep)n != ManageStep.Done ? (ManageStep)n
        : Enum.TryParse<ManageStep>(posted, ignoreCase: true, out var named) && !int.TryParse(posted, out _) && named != ManageStep.Done ? named
        : ManageStep.Action;

    /// <summary>The pages listed at the top, for the choices made so far.</summary>
    public static IReadOnlyList<(ManageStep Step, string Title)> Steps(ManageLicensesForm form)
    {
        var steps = new List<(ManageStep, string)> { (ManageStep.Action, "Action") };
        if (form.Choice == "rebuild")
        {
            steps.Add((ManageStep.Rebuild, "Confirm deletion"));
        }
        else
        {
            steps.Add((ManageStep.Source, "Source"));
            steps.Add((form.Reason == "dead" ? ManageStep.Dead : ManageStep.Running, "Source license server"));
            if (form.Reason != "dead") steps.Add((ManageStep.Packs, "Licenses"));
            steps.Add((ManageStep.Confirm, "Confirm"));
        }
        steps.Add((ManageStep.Done, "Completed"));
        return steps;
    }

    /// <summary>Where Back leads from <paramref name="step"/>.</summary>
    public static ManageStep Back(ManageStep step, ManageLicensesForm form) => step switch
    {
        ManageStep.Source or ManageStep.Rebuild => ManageStep.Action,
        ManageStep.Running or ManageStep.Dead => ManageStep.Source,
        ManageStep.Packs => ManageStep.Running,
        ManageStep.Confirm => form.Reason == "dead" ? ManageStep.Dead : ManageStep.Packs,
        _ => ManageStep.Action,
    };

    /// <summary>Next from the action page: migrate leads to the source's reason, rebuild to its confirmation.</summary>
    public static (ManageStep Step, WizardError? Error) NextFromAction(ManageLicensesForm form) => form.Choice switch
    {
        "migrate" => (ManageStep.Source, null),
        "rebuild" => (ManageStep.Rebuild, null),
        _ => (ManageStep.Action, new WizardError("Choose what to do: migrate licenses from a source license server, or rebuild the license server database.", "choice")),
    };

    /// <summary>Next from the reason page: a running source's address, or a dead source's identifiers.</summary>
    public static (ManageStep Step, WizardError? Error) NextFromSource(ManageLicensesForm form) => form.Reason switch
    {
        "running" => (ManageStep.Running, null),
        "dead" => (ManageStep.Dead, null),
        _ => (ManageStep.Source, new WizardError("Choose whether the source license server still runs or no longer functions.", "reason")),
    };

    /// <summary>Next from the packs page: at least one ticked pack this server can host.</summary>
    public static (ManageStep Step, IReadOnlyList<Guid> Selected, WizardError? Error) NextFromPacks(
        IReadOnlyList<Guid> ticked, IReadOnlyList<KeyPackView> sourcePacks, ProductVersion serverVersion)
    {
        var selected = ticked.Where(id => sourcePacks.Any(p => p.Id == id && Hostable(p, serverVersion))).ToList();
        return selected.Count == 0
            ? (ManageStep.Packs, selected, new WizardError("Tick at least one key pack to migrate.", "packs"))
            : (ManageStep.Confirm, selected, null);
    }

    /// <summary>
    /// Next from a dead source's page: its License Server ID (named group by group), a version whose CALs this server can host,
    /// the confirmation that it no longer functions, and the purchase proofs. The ID is normalized on the way.
    /// </summary>
    public static (ManageStep Step, IReadOnlyList<PurchaseProof> Proofs, WizardError? Error) NextFromDead(ManageLicensesForm form, ProductVersion serverVersion)
    {
        try
        {
            LicenseServerIdCode.CheckTyping(form.LicenseServerId);
        }
        catch (CodeFormatException e)
        {
            return (ManageStep.Dead, [], new WizardError(e.Message, "lsid"));
        }
        form.LicenseServerId = GroupedCode.Format(GroupedCode.Normalize(form.LicenseServerId));
        if (!ProductVersions.TryParse(form.SourceVersion, out var version))
            return (ManageStep.Dead, [], new WizardError("Choose the operating system version of the source license server.", "version"));
        if (!VersionCompatibility.LicenseServerHosts(serverVersion, version))
            return (ManageStep.Dead, [], new WizardError($"A {version.ToDisplayName()} license server's CALs can include versions this {serverVersion.ToDisplayName()} license server cannot host: migrate to a license server of {version.ToDisplayName()} or newer.", "version"));
        if (!form.ConfirmRemoved)
            return (ManageStep.Dead, [], new WizardError("Tick the confirmation: the source license server no longer functions and its CALs were removed from it.", "confirm-removed"));
        var (proofs, problem) = ReadProofs(form);
        return problem is null ? (ManageStep.Confirm, proofs, null) : (ManageStep.Dead, proofs, problem);
    }

    /// <summary>The purchase identifiers typed on the dead source's page, checked like the CLI checks them (a mistyped retail code's group named).</summary>
    public static (IReadOnlyList<PurchaseProof> Proofs, WizardError? Problem) ReadProofs(ManageLicensesForm form)
    {
        var proofs = new List<PurchaseProof>();
        switch (form.Program)
        {
            case "retail":
                foreach (var line in (form.Codes ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!LicenseIdentifiers.TryParseRetailCode(line, out var code, out var error)) return (proofs, new WizardError(error, "codes"));
                    proofs.Add(new PurchaseProof("retail", LicenseCode: code));
                }
                return proofs.Count == 0 ? (proofs, new WizardError("Type the retail license code(s) of the licenses to move, one a line.", "codes")) : (proofs, null);
            case "open":
                var number = form.LicenseNumber?.Trim();
                var authorization = form.AuthorizationNumber?.Trim();
                if (!LicenseIdentifiers.IsOpenLicenseNumber(number) || !LicenseIdentifiers.IsAuthorizationNumber(authorization))
                    return (proofs, new WizardError("Type the Open License number (8 digits) and its authorization number (15 letters or digits) from your Open License confirmation.", "open"));
                proofs.Add(new PurchaseProof("open", LicenseNumber: number, AuthorizationNumber: authorization));
                return (proofs, null);
            case null or "":
                return (proofs, new WizardError("Choose the license program of the licenses to move, and type their purchase identifiers.", "program"));
            default:
                var agreement = form.AgreementNumber?.Trim();
                if (!LicenseIdentifiers.IsAgreementNumber(agreement)) return (proofs, new WizardError("The agreement or enrollment number has 7 digits.", "agreement"));
                if (!ProductVersions.TryParse(form.AgreementVersion, out _) || form.AgreementType is not ("per-device" or "per-user"))
                    return (proofs, new WizardError("Choose the CAL version and type of the agreement's licenses to move.", "agreement"));
                proofs.Add(new PurchaseProof(form.Program, AgreementNumber: agreement, Version: form.AgreementVersion, CalType: form.AgreementType));
                return (proofs, null);
        }
    }

    /// <summary>Finish on the rebuild page needs the box ticked; nothing is deleted otherwise.</summary>
    public static WizardError? CheckRebuild(ManageLicensesForm form) => form.ConfirmDelete ? null
        : new WizardError("Tick “I confirm that I want to delete the existing database” to rebuild it: nothing was deleted.", "confirm-delete");

    /// <summary>
    /// The values the page of <paramref name="step"/> does not show, as hidden fields (the shared <c>WizardState</c>), so Back
    /// and Next keep what was typed; the source's token travels only encrypted (<see cref="ManageLicensesForm.SourceKey"/>).
    /// </summary>
    public static IEnumerable<(string Name, string? Value)> Kept(ManageStep step, ManageLicensesForm form, IEnumerable<Guid> selected)
    {
        if (step != ManageStep.Action) yield return ("Form.Choice", form.Choice);
        if (step != ManageStep.Source) yield return ("Form.Reason", form.Reason);
        if (step != ManageStep.Running) yield return ("Form.SourceUrl", form.SourceUrl);
        yield return ("Form.SourceKey", form.SourceKey);
        if (step != ManageStep.Dead)
        {
            yield return ("Form.LicenseServerId", form.LicenseServerId);
            yield return ("Form.SourceVersion", form.SourceVersion);
            yield return ("Form.Program", form.Program);
            yield return ("Form.Codes", form.Codes);
            yield return ("Form.LicenseNumber", form.LicenseNumber);
            yield return ("Form.AuthorizationNumber", form.AuthorizationNumber);
            yield return ("Form.AgreementNumber", form.AgreementNumber);
            yield return ("Form.AgreementVersion", form.AgreementVersion);
            yield return ("Form.AgreementType", form.AgreementType);
            if (form.ConfirmRemoved) yield return ("Form.ConfirmRemoved", "true");
        }
        if (step != ManageStep.Packs)
            foreach (var id in selected) yield return ("pack", id.ToString());
    }

    public static bool Hostable(KeyPackView pack, ProductVersion serverVersion) =>
        ProductVersions.TryParse(pack.Version, out var v) && VersionCompatibility.LicenseServerHosts(serverVersion, v);
}
