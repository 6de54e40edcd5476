using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Host.Commands;
using SignOff.Host.Pages.Shared;

namespace SignOff.Host.Pages;

/// <summary>
/// Reads the pages' forms into triggers, with GOV.UK-style messages beside the field at fault.
/// The officer's page and the coordinator's partner page share these, so the same decision is
/// read the same way whoever records it.
/// </summary>
public static class Forms
{
    /// <summary>
    /// The trigger id for a form post: derived from the form's submission id (rendered into the
    /// form), so a double-clicked button or a resubmitted page records the thing once.
    /// </summary>
    public static string TriggerId(string prefix, string scope, IFormCollection form)
    {
        var submission = form["__submission"].ToString();
        if (submission.Length != 32 || !submission.All(char.IsAsciiHexDigit))
        {
            submission = Guid.NewGuid().ToString("N");
        }

        return $"{prefix}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{scope}\n{submission}")))[..40]}";
    }

    /// <summary>A date field (yyyy-MM-dd, as a date input sends it): none, a date, or why not.</summary>
    public static Checked<DateOnly?> Date(IFormCollection form, string field, string label, bool required)
    {
        ArgumentNullException.ThrowIfNull(form);
        return InputReaders.Date(DateText(form, field), field, label, required);
    }

    /// <summary>A date field's text: its day, month and year boxes joined, or the field itself (a form posted with one ISO value).</summary>
    public static string DateText(IFormCollection form, string field)
    {
        ArgumentNullException.ThrowIfNull(form);
        return DateParts.Join(field, f => form.TryGetValue(f, out var v) ? v.ToString() : null) is { Length: > 0 } typed ? typed : form[field].ToString();
    }

    /// <summary>Reads the decision form, by the same reader as the API (<see cref="DecisionReader"/>).</summary>
    /// <remarks>The date must be given on a page: see <see cref="DecisionRules"/>.</remarks>
    public static Checked<RecordDecision> Decision(IFormCollection form, PartnerState partner, int version, string triggerId, Actor by, bool needsEvidence)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(partner);
        var input = new DecisionInput(
            form[DecisionReader.OutcomeField], form[DecisionReader.BodyField], DateText(form, DecisionReader.DecidedOnField), form[DecisionReader.MinuteReferenceField],
            form[DecisionReader.ConditionsField], form[DecisionReader.ReasonField], DateText(form, DecisionReader.DeferredToField), form[DecisionReader.EvidenceField],
            form[DecisionReader.SignatureDelegatedToField], form[DecisionReader.ActingUnderField]);
        return DecisionReader.Read(input, new DecisionRules(needsEvidence, DecidedOnIfOmitted: null), partner.Name, triggerId, partner.PartnerId, version, by);
    }

    /// <summary>
    /// The version of the draft the page showed the decision form with (its hidden field), or
    /// <paramref name="current"/> for a form without one: a decision is recorded against the version
    /// the person saw and confirmed, never a version taken from elsewhere (an older link's).
    /// </summary>
    public static int ShownVersion(IFormCollection form, int current)
    {
        ArgumentNullException.ThrowIfNull(form);
        return int.TryParse(form[DecisionReader.VersionField].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var shown) && shown > 0 ? shown : current;
    }

    /// <summary>Reads the call-in form (the officer's page and the coordinator's alike): the date is asked for, the rest optional.</summary>
    public static Checked<CallInDecision> CallIn(IFormCollection form, string partnerId, string triggerId, Actor by)
    {
        var calledInOn = Date(form, "calledInOn", "date it was called in", required: true);
        return calledInOn.IsValid
            ? Checked.Valid(new CallInDecision(triggerId, partnerId, calledInOn.Value!.Value, Text(form, "committee"), Text(form, "callInReason"), by))
            : Checked.Invalid<CallInDecision>(calledInOn.Failures);
    }

    /// <summary>Reads the call-in outcome form: upheld or referred back, and when.</summary>
    public static Checked<ResolveCallIn> CallInOutcome(IFormCollection form, string partnerId, string triggerId, Actor by)
    {
        var failures = new List<CommandFailure>();
        var outcome = InputReaders.CallInOutcome(form["callInOutcome"]);
        if (outcome is null)
        {
            failures.Add(Missing("callInOutcome", "Choose whether the decision was upheld or referred back", InputProblem.UnknownChoice));
        }

        var decidedOn = Date(form, "callInDecidedOn", "date of the outcome", required: true);
        failures.AddRange(decidedOn.Failures);
        return failures.Count > 0
            ? Checked.Invalid<ResolveCallIn>(failures)
            : Checked.Valid(new ResolveCallIn(triggerId, partnerId, outcome!.Value, decidedOn.Value!.Value, Text(form, "callInNote"), by));
    }

    /// <summary>
    /// Reads the correction form: the corrected decision by the same reader as a first recording
    /// (on the version originally decided), with why the record was wrong and the evidence.
    /// </summary>
    public static Checked<CorrectDecision> Correction(IFormCollection form, PartnerState partner, string triggerId, Actor by)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var decision = Decision(form, partner, partner.Decision?.Version ?? 0, triggerId, by, needsEvidence: true);
        var failures = decision.Failures.ToList();
        var why = Text(form, "correctionReason");
        if (why is null)
        {
            failures.Add(Missing("correctionReason", "Enter why the recorded decision was wrong"));
        }

        return failures.Count > 0
            ? Checked.Invalid<CorrectDecision>(failures)
            : Checked.Valid(new CorrectDecision(triggerId, decision.Value, why!, decision.Value.Evidence!, by));
    }

    /// <summary>Reads the counterpart form's fields (the file is read by the command).</summary>
    public static Checked<Func<DocumentRef, RoundState, ReceiveCounterpart>> Counterpart(IFormCollection form, string partnerId, string triggerId, Actor by)
    {
        var failures = new List<CommandFailure>();
        if (form.Files["file"] is not { Length: > 0 })
        {
            failures.Add(new CommandFailure.Invalid(InputProblem.MissingFile, "Choose the signed counterpart (a PDF, a Word file, or a photo of the signed page)", "file"));
        }

        var name = Text(form, "signatoryName");
        if (name is null)
        {
            failures.Add(Missing("signatoryName", "Enter the signatory's name"));
        }

        var position = Text(form, "signatoryPosition");
        if (position is null)
        {
            failures.Add(Missing("signatoryPosition", "Enter the signatory's position"));
        }

        var signedOn = Date(form, "signedOn", "date it was signed", required: true);
        failures.AddRange(signedOn.Failures);
        return failures.Count > 0
            ? Checked.Invalid<Func<DocumentRef, RoundState, ReceiveCounterpart>>(failures)
            : Checked.Valid<Func<DocumentRef, RoundState, ReceiveCounterpart>>((doc, state) =>
                new ReceiveCounterpart(triggerId, partnerId, state.CurrentVersion.Number, doc, name!, position!, signedOn.Value!.Value, by));
    }

    /// <summary>Reads the hand-over form.</summary>
    public static Checked<Person> Delegate(IFormCollection form)
    {
        var failures = new List<CommandFailure>();
        var name = Text(form, "delegateName");
        if (name is null)
        {
            failures.Add(Missing("delegateName", "Enter your colleague's name"));
        }

        var email = Text(form, "delegateEmail");
        if (email is null || !RoundDefinitionParser.IsEmail(email))
        {
            failures.Add(email is null
                ? Missing("delegateEmail", "Enter your colleague's email address")
                : new CommandFailure.Invalid(InputProblem.BadPartner, "Enter an email address in the correct format, like name@council.gov.uk", "delegateEmail"));
        }

        return failures.Count > 0 ? Checked.Invalid<Person>(failures) : Checked.Valid<Person>(new Person(name!, email!));
    }

    /// <summary>Every failure of a form, each beside its field.</summary>
    public static FormErrors Errors(IEnumerable<CommandFailure> failures) =>
        new([.. failures.Select(f => new FieldError(f.Field, f.Detail.TrimEnd('.')))]);

    /// <summary>
    /// A refusal shown on the page: beside the field it is about when the command names one, or
    /// when it is a date problem and the form has one date the refusal can be about.
    /// </summary>
    public static FormErrors From(CommandFailure failure, string? dateField = null)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var field = failure.Field ?? (failure is CommandFailure.Refused { Code: RejectionCode.InvalidDate }
            or CommandFailure.RegisterRefused { Code: Core.Agreements.AgreementRejectionCode.InvalidDate } ? dateField : null);
        return FormErrors.Of(field, failure.Detail.TrimEnd('.'));
    }

    /// <summary>A trimmed text field, or null when empty.</summary>
    public static string? Text(IFormCollection form, string field) => form[field].ToString().Trim() is { Length: > 0 } text ? text : null;

    private static CommandFailure.Invalid Missing(string field, string message, InputProblem problem = InputProblem.MissingDetail) => new(problem, message, field);
}
