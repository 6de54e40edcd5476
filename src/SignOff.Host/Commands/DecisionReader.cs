using SignOff.Core.Rounds;

namespace SignOff.Host.Commands;

/// <summary>A decision as sent, by the API (JSON) or a page (a form), before it is read: the same names in both.</summary>
/// <param name="Outcome">approve, approve-with-conditions, defer or decline (or their past participles).</param>
/// <param name="Body">The body that decided; the route's body when omitted.</param>
/// <param name="DecidedOn">The date of the decision, YYYY-MM-DD.</param>
/// <param name="MinuteReference">The minute or decision reference.</param>
/// <param name="Conditions">The conditions of an approval subject to conditions.</param>
/// <param name="Reason">Why it was deferred or declined.</param>
/// <param name="DeferredTo">When a deferred decision will be taken again, YYYY-MM-DD.</param>
/// <param name="Evidence">Where the minutes or decision notice can be found.</param>
/// <param name="SignatureDelegatedTo">For an approval in principle: the office holder the body delegated the signature to.</param>
/// <param name="ActingUnder">For a decision by an officer or single member: the delegation they acted under.</param>
public sealed record DecisionInput(
    string? Outcome,
    string? Body,
    string? DecidedOn,
    string? MinuteReference,
    string? Conditions,
    string? Reason,
    string? DeferredTo,
    string? Evidence,
    string? SignatureDelegatedTo = null,
    string? ActingUnder = null);

/// <summary>What a door asks of a decision beyond what every door asks.</summary>
/// <param name="EvidenceRequired">A decision recorded on a partner's behalf (by the coordinator) must say where the evidence is.</param>
/// <param name="DecidedOnIfOmitted">The date taken when none is sent, or null when the date must be given.</param>
/// <remarks>
/// The one difference between the doors is the date: a person at the form is asked for it (the
/// date of a meeting is rarely today, and a field left as "today" records a false fact without
/// anyone seeing it), while an integration that omits it records today, as the API has always
/// documented (its callers record decisions as they are notified of them).
/// </remarks>
public sealed record DecisionRules(bool EvidenceRequired, DateOnly? DecidedOnIfOmitted);

/// <summary>
/// Reads a decision the same way whichever door it comes through (the API, the officer's page, the
/// coordinator's page): the same words, the same dates, the same failures at the same fields.
/// </summary>
public static class DecisionReader
{
    /// <summary>The field names, shared by the API's JSON and the pages' forms.</summary>
    public const string OutcomeField = "outcome", BodyField = "body", DecidedOnField = "decidedOn", ConditionsField = "conditions",
        ReasonField = "reason", DeferredToField = "deferredTo", EvidenceField = "evidence", MinuteReferenceField = "minuteReference",
        SignatureDelegatedToField = "signatureDelegatedTo", ActingUnderField = "actingUnder";

    /// <summary>The counterpart's signatory position: where a counterpart not signed by the delegate is refused.</summary>
    public const string SignatoryPositionField = "signatoryPosition";

    /// <summary>The version of the draft a page showed the decision against (a hidden field): the version the decision is recorded on.</summary>
    public const string VersionField = "version";

    /// <summary>Reads and checks a decision, collecting every failure in the order of the form's fields.</summary>
    /// <param name="input">The decision as sent.</param>
    /// <param name="rules">What this door asks beyond the rest.</param>
    /// <param name="who">The partner's name, for the words ("Choose what Maldon District Council decided").</param>
    /// <param name="triggerId">The trigger's id.</param>
    /// <param name="partnerId">The partner deciding.</param>
    /// <param name="version">The version decided on (the link's, the page's current one, or the one the API was asked for).</param>
    /// <param name="by">Who records it.</param>
    public static Checked<RecordDecision> Read(DecisionInput input, DecisionRules rules, string who, string triggerId, string partnerId, int version, Actor by)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(rules);
        var failures = new List<CommandFailure>();
        var outcome = InputReaders.Outcome(input.Outcome);
        if (outcome is null)
        {
            failures.Add(new CommandFailure.Invalid(string.IsNullOrWhiteSpace(input.Outcome) ? InputProblem.MissingDetail : InputProblem.UnknownChoice,
                $"Choose what {who} decided: approve, approve with conditions, defer or decline.", OutcomeField));
        }

        var body = Text(input.Body);
        var decidedOn = string.IsNullOrWhiteSpace(input.DecidedOn) && rules.DecidedOnIfOmitted is { } fallback
            ? Checked.Valid<DateOnly?>(fallback)
            : InputReaders.Date(input.DecidedOn, DecidedOnField, "date of the decision", required: true);
        failures.AddRange(decidedOn.Failures);
        var conditions = Text(input.Conditions);
        if (outcome == DecisionOutcome.ApprovedWithConditions && conditions is null)
        {
            failures.Add(Missing(ConditionsField, "Enter the conditions of the approval."));
        }

        var reason = Text(input.Reason);
        if (outcome == DecisionOutcome.Declined && reason is null)
        {
            failures.Add(Missing(ReasonField, "Enter the reason for the decline."));
        }

        var deferredTo = InputReaders.Date(input.DeferredTo, DeferredToField, "next meeting", required: false);
        failures.AddRange(deferredTo.Failures);
        var evidence = Text(input.Evidence);
        if (rules.EvidenceRequired && evidence is null)
        {
            failures.Add(Missing(EvidenceField, "Enter where the evidence of the decision can be found: a decision recorded on a partner's behalf needs the minutes or decision notice."));
        }

        return failures.Count > 0
            ? Checked.Invalid<RecordDecision>(failures)
            : Checked.Valid(new RecordDecision(triggerId, partnerId, version, outcome!.Value, body, decidedOn.Value!.Value, Text(input.MinuteReference),
                outcome == DecisionOutcome.ApprovedWithConditions ? conditions : null,
                outcome is DecisionOutcome.Declined or DecisionOutcome.Deferred ? reason : null,
                outcome == DecisionOutcome.Deferred ? deferredTo.Value : null, by, evidence, Text(input.SignatureDelegatedTo), Text(input.ActingUnder)));
    }

    private static string? Text(string? value) => value?.Trim() is { Length: > 0 } text ? text : null;

    private static CommandFailure.Invalid Missing(string field, string message) => new(InputProblem.MissingDetail, message, field);
}
