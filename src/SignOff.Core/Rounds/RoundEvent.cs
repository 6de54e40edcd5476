using System.Collections.Immutable;
using System.Text.Json.Serialization;
using SignOff.Core.Definitions;

namespace SignOff.Core.Rounds;

/// <summary>
/// A fact recorded in a round's audit log.
/// </summary>
/// <remarks>
/// Events are the truth: the snapshot is their left fold. <see cref="TriggerId"/> and
/// <see cref="At"/> are stamped by <see cref="RoundProcess"/> so replay needs nothing else.
/// Events never carry effects: replaying the log rebuilds state and sends nothing.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$event")]
[JsonDerivedType(typeof(RoundStarted), "round-started")]
[JsonDerivedType(typeof(PartnerInvited), "partner-invited")]
[JsonDerivedType(typeof(InvitationAcknowledged), "invitation-acknowledged")]
[JsonDerivedType(typeof(MeetingScheduled), "meeting-scheduled")]
[JsonDerivedType(typeof(DecisionRecorded), "decision-recorded")]
[JsonDerivedType(typeof(CallInStarted), "call-in-started")]
[JsonDerivedType(typeof(CallInEnded), "call-in-ended")]
[JsonDerivedType(typeof(ConditionsAccepted), "conditions-accepted")]
[JsonDerivedType(typeof(ConditionsRejected), "conditions-rejected")]
[JsonDerivedType(typeof(PartnerAuthorised), "partner-authorised")]
[JsonDerivedType(typeof(CounterpartReceived), "counterpart-received")]
[JsonDerivedType(typeof(DraftRevised), "draft-revised")]
[JsonDerivedType(typeof(PartnerWithdrawn), "partner-withdrawn")]
[JsonDerivedType(typeof(PartnerRemoved), "partner-removed")]
[JsonDerivedType(typeof(OfficerDelegated), "officer-delegated")]
[JsonDerivedType(typeof(ReminderSent), "reminder-sent")]
[JsonDerivedType(typeof(PartnerEscalated), "partner-escalated")]
[JsonDerivedType(typeof(CounterpartChased), "counterpart-chased")]
[JsonDerivedType(typeof(DigestSent), "digest-sent")]
[JsonDerivedType(typeof(RoundStalled), "round-stalled")]
[JsonDerivedType(typeof(RoundResumed), "round-resumed")]
[JsonDerivedType(typeof(RoundBecameEffective), "round-effective")]
[JsonDerivedType(typeof(RoundCancelled), "round-cancelled")]
[JsonDerivedType(typeof(TimerScheduled), "timer-scheduled")]
[JsonDerivedType(typeof(TimerCleared), "timer-cleared")]
[JsonDerivedType(typeof(DeliveryFailed), "delivery-failed")]
[JsonDerivedType(typeof(TimersBeyondCalendar), "timers-beyond-calendar")]
public abstract record RoundEvent
{
    /// <summary>The trigger that caused this event.</summary>
    public string TriggerId { get; init; } = "";

    /// <summary>When it was recorded (UTC).</summary>
    public DateTimeOffset At { get; init; }
}

public sealed record RoundStarted(
    string RoundId,
    AgreementInfo Agreement,
    DateOnly LaunchedOn,
    DateOnly Deadline,
    string Calendar,
    ReminderPolicy Reminders,
    DigestSchedule Digest,
    IReadOnlyList<Person> Chairs,
    Person Coordinator,
    DocumentRef Draft,
    Actor By) : RoundEvent;

public sealed record PartnerInvited(string PartnerId, string Name, Person Officer, GovernanceRoute Route, DateOnly? MeetingOn, DateOnly DueOn, bool JoinedMidRound)
    : RoundEvent;

public sealed record InvitationAcknowledged(string PartnerId, Actor By) : RoundEvent;

public sealed record MeetingScheduled(string PartnerId, DateOnly MeetingOn, string? Body, Actor By) : RoundEvent;

public sealed record DecisionRecorded(string PartnerId, RecordedDecision Decision) : RoundEvent;

public sealed record CallInStarted(string PartnerId, DateOnly EndsOn) : RoundEvent;

public sealed record CallInEnded(string PartnerId) : RoundEvent;

public sealed record ConditionsAccepted(string PartnerId, string? Note, Actor By) : RoundEvent;

public sealed record ConditionsRejected(string PartnerId, string Reason, Actor By) : RoundEvent;

public sealed record PartnerAuthorised(string PartnerId, DateOnly On) : RoundEvent;

public sealed record CounterpartReceived(string PartnerId, Counterpart Counterpart) : RoundEvent;

public sealed record DraftRevised(int Version, DocumentRef Draft, RevisionKind Kind, string? Note, Actor By) : RoundEvent;

public sealed record PartnerWithdrawn(string PartnerId, DateOnly NoticeOn, string? Reason, Actor By) : RoundEvent;

public sealed record PartnerRemoved(string PartnerId, string? Reason, Actor By) : RoundEvent;

public sealed record OfficerDelegated(string PartnerId, Person From, Person To, Actor By) : RoundEvent;

public sealed record ReminderSent(string PartnerId, DateOnly On, bool Overdue) : RoundEvent;

public sealed record PartnerEscalated(string PartnerId, DateOnly On) : RoundEvent;

public sealed record CounterpartChased(string PartnerId, DateOnly On) : RoundEvent;

public sealed record DigestSent(DateOnly On) : RoundEvent;

public sealed record RoundStalled(string Reason) : RoundEvent;

public sealed record RoundResumed : RoundEvent;

public sealed record RoundBecameEffective(DateOnly EffectiveOn) : RoundEvent;

public sealed record RoundCancelled(string Reason, Actor By) : RoundEvent;

public sealed record TimerScheduled(PendingTimer Timer) : RoundEvent;

public sealed record TimerCleared(string TimerId) : RoundEvent;

/// <summary>An email or webhook of the round was given up after every retry.</summary>
public sealed record DeliveryFailed(DeliveryFailure Failure) : RoundEvent;

/// <summary>How a message leaves SignOff.</summary>
public enum DeliveryChannel
{
    Email,
    Webhook,
}

/// <summary>What could not be delivered, and why.</summary>
/// <param name="Channel">Email or webhook.</param>
/// <param name="Reference">The effect id of an email; the <c>webhook-id</c> of a webhook event.</param>
/// <param name="What">What it was, in words ("invitation", "round.started event").</param>
/// <param name="Destination">Where it was going: the recipients, or the webhook URL.</param>
/// <param name="Reason">The last failure, in words.</param>
/// <param name="StoppedSubscription">For a webhook: the subscription SignOff disabled because of it (its id and description), else null.</param>
public sealed record DeliveryFailure(DeliveryChannel Channel, string Reference, string What, string Destination, string Reason, string? StoppedSubscription = null);

/// <summary>
/// Timers the round needs could not be scheduled because their dates fall beyond the bank-holiday
/// data (or, with <see cref="Timers"/> empty, every timer is scheduled again after a refresh).
/// </summary>
/// <param name="Calendar">The bank-holiday division the round counts working days in.</param>
/// <param name="Timers">What could not be scheduled, in words ("the reminder to Maldon District Council").</param>
public sealed record TimersBeyondCalendar(string Calendar, ImmutableList<string> Timers) : RoundEvent;
