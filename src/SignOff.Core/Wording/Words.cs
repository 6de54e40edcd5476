using SignOff.Core.Rounds;

namespace SignOff.Core.Wording;

/// <summary>
/// The words people read for where a round, a partner or a decision stands: pages, emails, the
/// completion pack, the coordinator's timeline and the engine's refusals all take them from here.
/// </summary>
/// <remarks>
/// One vocabulary, so a partner that is "approved subject to conditions" on its page is not
/// something else in its email. Each form names the place in a sentence it fits, because the
/// same outcome reads differently after "is" than between a partner and the agreement it
/// decided on. A value added to an enum without words here fails the wording tests rather than
/// reaching a person as its C# name.
/// </remarks>
public static class Words
{
    /// <summary>Where a partner stands, as it reads after "is" and on its status tag, e.g. "in its call-in period".</summary>
    public static string For(PartnerStatus status) => status switch
    {
        PartnerStatus.Invited => "invited",
        PartnerStatus.Scheduled => "scheduled to decide",
        PartnerStatus.Approved => For(DecisionOutcome.Approved),
        PartnerStatus.ApprovedWithConditions => For(DecisionOutcome.ApprovedWithConditions),
        PartnerStatus.Deferred => For(DecisionOutcome.Deferred),
        PartnerStatus.Declined => For(DecisionOutcome.Declined),
        PartnerStatus.CallIn => "in its call-in period",
        PartnerStatus.Authorised => "authorised",
        PartnerStatus.CounterpartInReview => "signed, awaiting the coordinator's review",
        PartnerStatus.Signed => "signed",
        PartnerStatus.Withdrawn => "withdrawn",
        PartnerStatus.Removed => "removed",
        PartnerStatus.CalledIn => "called in",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "No words for this partner status."),
    };

    /// <summary>
    /// Where a partner stands on a day, as it reads after "is" and on its status tag: its
    /// status's words, except that a partner whose meeting has passed with no decision recorded
    /// reads e.g. "meeting was on 30 June 2021 — no decision recorded".
    /// </summary>
    /// <remarks>
    /// "Scheduled to decide" weeks after the meeting misleads: the coordinator should chase the
    /// outcome, not wait for it. Only the pages read a partner on a day; the engine's refusals
    /// and emails keep the status's words, which do not change with the date.
    /// </remarks>
    public static string For(PartnerState partner, DateOnly today) =>
        RoundAttention.MeetingPassed(partner, today)
            ? $"meeting was on {UkDates.Long(partner.MeetingOn)} — no decision recorded"
            : For(partner.Status);

    /// <summary>What was decided, as it reads before "by Cabinet on 15 June 2021", e.g. "approved subject to conditions".</summary>
    public static string For(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Approved => "approved",
        DecisionOutcome.ApprovedWithConditions => "approved subject to conditions",
        DecisionOutcome.Deferred => "deferred",
        DecisionOutcome.Declined => "declined",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "No words for this outcome."),
    };

    /// <summary>
    /// What a partner did with the agreement, as the verb between the partner and the agreement's
    /// title, e.g. "approved, subject to conditions," in "Leeds approved, subject to conditions,
    /// the Compact"; "decided on" when the outcome is not known.
    /// </summary>
    public static string AsVerb(DecisionOutcome? outcome) => outcome switch
    {
        null => "decided on",
        DecisionOutcome.ApprovedWithConditions => "approved, subject to conditions,",
        DecisionOutcome.Deferred => "deferred its decision on",
        { } known => For(known),
    };

    /// <summary>
    /// A value's name in plain words, e.g. "circulating", "approved with conditions", "minor": for
    /// a label that names the value rather than a sentence that tells it.
    /// </summary>
    /// <remarks>The wire name (<see cref="RoundProcess.Kebab"/>) with spaces, so a label and the API always name a value alike.</remarks>
    public static string Name<T>(T value)
        where T : struct, Enum => RoundProcess.Kebab(value).Replace('-', ' ');
}
