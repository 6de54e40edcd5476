using System.Collections.Immutable;

namespace SignOff.Core.Rounds;

/// <summary>Why a trigger was refused. Stable codes: the API maps them to problem types.</summary>
public enum RejectionCode
{
    InvalidTrigger,
    RoundNotFound,
    RoundAlreadyExists,
    RoundCancelled,
    RoundEffective,
    UnknownPartner,
    PartnerWithdrawn,
    PartnerRemoved,
    StaleVersion,
    NotAwaitingDecision,
    NoConditionsPending,

    /// <summary>The coordinator accepted or rejected a counterpart the partner does not have waiting (or, to reject, counting).</summary>
    NoCounterpartInReview,
    NotAuthorised,
    NotDeclined,
    AlreadyAcknowledged,
    DuplicatePartner,
    DuplicateOfficer,
    SameDocument,

    /// <summary>A counterpart byte-identical to the unsigned draft of a version: nobody signed it.</summary>
    UnsignedDraft,

    /// <summary>A counterpart byte-identical to one already recorded for another partner.</summary>
    CounterpartReused,
    InvalidDate,
    MissingDetail,
    TimerNotPending,
    TimerNotDue,
    CalendarOutOfRange,
    NoCallInRunning,
    NotCalledIn,
    NoDecisionToCorrect,

    /// <summary>The invitation was resent moments ago: another resend waits for <see cref="RoundProcess.ResendInterval"/>.</summary>
    ResentRecently,

    /// <summary>A signature delegated by a decision that did not approve: only an approval can delegate the signing of what it approved.</summary>
    DelegationWithoutApproval,

    /// <summary>The decision delegated the signature to an office holder, and the counterpart is signed by someone else.</summary>
    NotTheDelegate,

    /// <summary>A partner's published calendar says nothing the round does not already know (the same meeting, none as before, a feed it no longer names): nothing to record.</summary>
    PublishedMeetingUnchanged,

    /// <summary>A variation or an accession round's partners are the agreement's to say: a partner cannot be added to it.</summary>
    PartnersFixedByAgreement,
}

/// <summary>
/// What <see cref="RoundProcess.Decide"/> concluded about a trigger.
/// </summary>
/// <remarks>
/// One of three shapes, always: <see cref="Accepted"/> (events to commit and effects to
/// perform), <see cref="AlreadyApplied"/> (the trigger id was applied before: commit nothing,
/// answer as before) or <see cref="Rejected"/> (the trigger is not allowed now, with a code and
/// a message for people). Nothing is ever silently ignored.
/// </remarks>
public abstract record RoundDecision
{
    /// <summary>The trigger is applied: commit these events and effects atomically.</summary>
    public sealed record Accepted(RoundState State, ImmutableList<RoundEvent> Events, ImmutableList<RoundEffect> Effects) : RoundDecision;

    /// <summary>The trigger was applied before; the state is unchanged.</summary>
    public sealed record AlreadyApplied(RoundState State) : RoundDecision;

    /// <summary>The trigger is refused; nothing changes.</summary>
    public sealed record Rejected(RejectionCode Code, string Message) : RoundDecision;
}
