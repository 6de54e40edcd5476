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

    /// <summary>A date field (yyyy-MM-dd, as a date input sends it): none, a date, or an error.</summary>
    public static (DateOnly? Date, FieldError? Error) Date(IFormCollection form, string field, string label, bool required)
    {
        ArgumentNullException.ThrowIfNull(form);
        var (date, failure) = InputReaders.Date(form[field].ToString(), field, label, required);
        return (date, failure is null ? null : new FieldError(field, failure.Detail.TrimEnd('.')));
    }

    /// <summary>Reads the decision form.</summary>
    public static (RecordDecision? Trigger, FormErrors Errors) Decision(IFormCollection form, PartnerState partner, int version, string triggerId, Actor by, bool needsEvidence)
    {
        var errors = new List<FieldError>();
        var outcome = InputReaders.Outcome(form["action"].ToString());
        if (outcome is null)
        {
            errors.Add(new("action", $"Choose what {partner.Name} decided"));
        }

        var body = Text(form, "body");
        if (body is null)
        {
            errors.Add(new("body", "Enter the decision-making body"));
        }

        var (decidedOn, dateError) = Date(form, "meetingDate", "date of the decision", required: true);
        Add(errors, dateError);
        var conditions = Text(form, "conditions");
        if (outcome == DecisionOutcome.ApprovedWithConditions && conditions is null)
        {
            errors.Add(new("conditions", "Enter the conditions of the approval"));
        }

        var reason = Text(form, "reason");
        if (outcome == DecisionOutcome.Declined && reason is null)
        {
            errors.Add(new("reason", "Enter the reason for the decline"));
        }

        var (deferredTo, deferError) = Date(form, "deferredTo", "next meeting", required: false);
        Add(errors, deferError);
        var evidence = Text(form, "evidence");
        if (needsEvidence && evidence is null)
        {
            errors.Add(new("evidence", "Enter where the evidence of the decision can be found"));
        }

        return errors.Count > 0
            ? (null, new FormErrors(errors))
            : (new RecordDecision(triggerId, partner.PartnerId, version, outcome!.Value, body, decidedOn!.Value, Text(form, "minuteReference"),
                outcome == DecisionOutcome.ApprovedWithConditions ? conditions : null,
                outcome is DecisionOutcome.Declined or DecisionOutcome.Deferred ? reason : null,
                outcome == DecisionOutcome.Deferred ? deferredTo : null, by, evidence), FormErrors.None);
    }

    /// <summary>Reads the counterpart form's fields (the file is read by the command).</summary>
    public static (Func<DocumentRef, RoundState, RoundTrigger>? Make, FormErrors Errors) Counterpart(IFormCollection form, string partnerId, string triggerId, Actor by)
    {
        var errors = new List<FieldError>();
        if (form.Files["file"] is not { Length: > 0 })
        {
            errors.Add(new("file", "Choose the signed counterpart (a PDF or Word file)"));
        }

        var name = Text(form, "signatoryName");
        if (name is null)
        {
            errors.Add(new("signatoryName", "Enter the signatory's name"));
        }

        var position = Text(form, "signatoryPosition");
        if (position is null)
        {
            errors.Add(new("signatoryPosition", "Enter the signatory's position"));
        }

        var (signedOn, dateError) = Date(form, "signedOn", "date it was signed", required: true);
        Add(errors, dateError);
        return errors.Count > 0
            ? (null, new FormErrors(errors))
            : ((doc, state) => new ReceiveCounterpart(triggerId, partnerId, state.CurrentVersion.Number, doc, name!, position!, signedOn!.Value, by), FormErrors.None);
    }

    /// <summary>Reads the hand-over form.</summary>
    public static (Person? To, FormErrors Errors) Delegate(IFormCollection form)
    {
        var errors = new List<FieldError>();
        var name = Text(form, "delegateName");
        if (name is null)
        {
            errors.Add(new("delegateName", "Enter your colleague's name"));
        }

        var email = Text(form, "delegateEmail");
        if (email is null || !RoundDefinitionParser.IsEmail(email))
        {
            errors.Add(new("delegateEmail", email is null ? "Enter your colleague's email address" : "Enter an email address in the correct format, like name@council.gov.uk"));
        }

        return errors.Count > 0 ? (null, new FormErrors(errors)) : (new Person(name!, email!), FormErrors.None);
    }

    /// <summary>
    /// A refusal shown on the page: beside the field it is about when the command names one, or
    /// when it is a date problem and the form has one date the refusal can be about.
    /// </summary>
    public static FormErrors From(CommandFailure failure, string? dateField = null)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var field = failure.Field ?? (failure is CommandFailure.Refused { Code: RejectionCode.InvalidDate } ? dateField : null);
        return FormErrors.Of(field, failure.Detail.TrimEnd('.'));
    }

    /// <summary>A trimmed text field, or null when empty.</summary>
    public static string? Text(IFormCollection form, string field) => form[field].ToString().Trim() is { Length: > 0 } text ? text : null;

    private static void Add(List<FieldError> errors, FieldError? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }
}
