using System.Collections.Immutable;
using System.Text.Json.Serialization;
using SignOff.Core.Agreements;
using SignOff.Core.Definitions;

namespace SignOff.Core.Rounds;

/// <summary>
/// A fact recorded in a round's audit log.
/// </summary>
/// <remarks>
/// <para>
/// Events are the truth: the snapshot is their left fold. <see cref="TriggerId"/> and
/// <see cref="At"/> are stamped by <see cref="RoundProcess"/> so replay needs nothing else.
/// Events never carry effects: replaying the log rebuilds state and sends nothing.
/// </para>
/// <para>
/// <b>These records are the storage format.</b> Each is written as JSON (<see cref="RoundJson"/>:
/// camelCase names, enums in kebab-case, <c>$event</c> naming the type) into the round entity's
/// state and the audit log table, and read back for as long as the round's records are kept, by
/// whatever version of SignOff is running then. So: a discriminator below is never renamed or
/// reused; a field is never renamed, retyped or removed; a new field is added with a default that
/// means what old events meant (older events lack it); a new fact is a new event type.
/// </para>
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
[JsonDerivedType(typeof(CounterpartHeldForReview), "counterpart-held-for-review")]
[JsonDerivedType(typeof(CounterpartAccepted), "counterpart-accepted")]
[JsonDerivedType(typeof(CounterpartRejected), "counterpart-rejected")]
[JsonDerivedType(typeof(DraftRevised), "draft-revised")]
[JsonDerivedType(typeof(PartnerWithdrawn), "partner-withdrawn")]
[JsonDerivedType(typeof(PartnerRemoved), "partner-removed")]
[JsonDerivedType(typeof(OfficerDelegated), "officer-delegated")]
[JsonDerivedType(typeof(PartnerDatesChanged), "partner-dates-changed")]
[JsonDerivedType(typeof(InvitationResent), "invitation-resent")]
[JsonDerivedType(typeof(OfficerLinkIssued), "officer-link-issued")]
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
[JsonDerivedType(typeof(DecisionCorrected), "decision-corrected")]
[JsonDerivedType(typeof(DecisionCalledIn), "decision-called-in")]
[JsonDerivedType(typeof(CallInResolved), "call-in-resolved")]
[JsonDerivedType(typeof(PartnerFellOverdue), "partner-fell-overdue")]
[JsonDerivedType(typeof(MeetingPublished), "meeting-published")]
[JsonDerivedType(typeof(PublishedMeetingCancelled), "published-meeting-cancelled")]
public abstract record RoundEvent
{
    /// <summary>The trigger that caused this event.</summary>
    public string TriggerId { get; init; } = "";

    /// <summary>When it was recorded (UTC).</summary>
    public DateTimeOffset At { get; init; }
}

/// <summary>The round was launched: what was agreed to be circulated, to whom, and on what timetable.</summary>
/// <remarks><paramref name="Reviews"/> and <paramref name="Notice"/>: the terms the agreement is kept to once in force, for its register (absent in rounds launched before the register: no review cycle, the default notice).</remarks>
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
    Actor By,
    CounterpartReview CounterpartReview = CounterpartReview.None,
    ReviewCycle? Reviews = null,
    NoticePeriod? Notice = null,
    AgreementChange? ChangeOf = null) : RoundEvent;

/// <summary>A partner was asked to take the draft through its governance: at launch, or added mid-round (<paramref name="JoinedMidRound"/>). Carries what the invitation said, so the log alone tells who was asked, by when and through which route.</summary>
/// <remarks><paramref name="Calendar"/>: the published meeting calendar the partner's meetings are read from (null: none, and in events recorded before calendars existed).</remarks>
public sealed record PartnerInvited(string PartnerId, string Name, Person Officer, GovernanceRoute Route, DateOnly? MeetingOn, DateOnly DueOn, bool JoinedMidRound,
    MeetingCalendar? Calendar = null)
    : RoundEvent, IPartnerScoped;

/// <summary>The partner's officer confirmed the invitation is in hand.</summary>
public sealed record InvitationAcknowledged(string PartnerId, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>The partner said when its deciding body meets (<paramref name="Body"/> null: its route's body).</summary>
public sealed record MeetingScheduled(string PartnerId, DateOnly MeetingOn, string? Body, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>The partner's decision on a version, as the officer or the coordinator recorded it, with its evidence.</summary>
public sealed record DecisionRecorded(string PartnerId, RecordedDecision Decision) : RoundEvent, IPartnerScoped;

/// <summary>
/// A recorded decision was corrected: the log keeps the original beside the correction, why and on
/// what evidence.
/// </summary>
/// <remarks>
/// A correction that keeps the outcome of a partner already authorised or signed corrects the
/// record only (the authorisation and counterpart were given on the strength of that outcome);
/// any other correction puts the partner where the corrected decision would have put it had it
/// been recorded first, and the call-in and authorisation that follow are recorded after this
/// event as for a first recording (<see cref="RoundEvolver.CorrectionStands"/> says which).
/// </remarks>
/// <param name="PartnerId">The partner.</param>
/// <param name="Original">The decision as it was recorded.</param>
/// <param name="Corrected">The decision as it should have been.</param>
/// <param name="Reason">Why the record was wrong.</param>
/// <param name="Evidence">Where the evidence of the right decision is.</param>
/// <param name="By">Who corrected it.</param>
public sealed record DecisionCorrected(string PartnerId, RecordedDecision Original, RecordedDecision Corrected, string Reason, string Evidence, Actor By)
    : RoundEvent, IPartnerScoped;

/// <summary>A scrutiny committee called the partner's decision in: it cannot be acted on until the call-in is resolved.</summary>
/// <param name="PartnerId">The partner.</param>
/// <param name="On">The date it was called in.</param>
/// <param name="Committee">The committee that called it in, if given.</param>
/// <param name="Reason">The grounds given, if any.</param>
/// <param name="By">Who recorded it.</param>
public sealed record DecisionCalledIn(string PartnerId, DateOnly On, string? Committee, string? Reason, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>A called-in decision was upheld (authorised from <paramref name="On"/>, recorded next) or referred back (the partner decides again).</summary>
/// <param name="PartnerId">The partner.</param>
/// <param name="Outcome">Upheld or referred back.</param>
/// <param name="On">The date of the outcome.</param>
/// <param name="Note">What was said, if anything.</param>
/// <param name="By">Who recorded it.</param>
public sealed record CallInResolved(string PartnerId, CallInOutcome Outcome, DateOnly On, string? Note, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>An approval by a body subject to call-in: the decision cannot be acted on until <paramref name="EndsOn"/>.</summary>
public sealed record CallInStarted(string PartnerId, DateOnly EndsOn) : RoundEvent, IPartnerScoped;

/// <summary>The partner's call-in period ended without the decision being called in.</summary>
public sealed record CallInEnded(string PartnerId) : RoundEvent, IPartnerScoped;

/// <summary>The coordinator accepted the conditions the partner approved subject to.</summary>
public sealed record ConditionsAccepted(string PartnerId, string? Note, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>The coordinator did not accept the partner's conditions: the partner decides again.</summary>
public sealed record ConditionsRejected(string PartnerId, string Reason, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>The partner's approval stands (no call-in pending, conditions accepted): it may sign, and its counterpart is requested.</summary>
/// <remarks>
/// <paramref name="On"/> is the domain's date, not the day a timer happened to fire: the day after
/// the call-in period ended (the timer's own date), the day a call-in was upheld, or the day the
/// coordinator accepted the conditions. The counterpart chases count from it.
/// </remarks>
public sealed record PartnerAuthorised(string PartnerId, DateOnly On) : RoundEvent, IPartnerScoped;

/// <summary>The partner's signed counterpart of a version was received and stored (by its SHA-256).</summary>
public sealed record CounterpartReceived(string PartnerId, Counterpart Counterpart) : RoundEvent, IPartnerScoped;

/// <summary>The counterpart just received is not verified and the round reviews such counterparts: it waits for the coordinator's acceptance before it counts.</summary>
public sealed record CounterpartHeldForReview(string PartnerId) : RoundEvent, IPartnerScoped;

/// <summary>The coordinator accepted the partner's counterpart after review: it counts.</summary>
public sealed record CounterpartAccepted(string PartnerId, string? Note, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>The coordinator rejected the partner's counterpart, and why: the partner is authorised again and asked for another.</summary>
public sealed record CounterpartRejected(string PartnerId, string Reason, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>A new version of the draft was circulated: minor (decisions stand) or material (every partner decides again).</summary>
public sealed record DraftRevised(int Version, DocumentRef Draft, RevisionKind Kind, string? Note, Actor By) : RoundEvent;

/// <summary>The partner withdrew from the round, giving notice on <paramref name="NoticeOn"/>.</summary>
public sealed record PartnerWithdrawn(string PartnerId, DateOnly NoticeOn, string? Reason, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>The coordinator removed a partner that had declined.</summary>
public sealed record PartnerRemoved(string PartnerId, string? Reason, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>The partner's officer handed over to a colleague; the new officer is sent a fresh link.</summary>
public sealed record OfficerDelegated(string PartnerId, Person From, Person To, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>The coordinator moved a partner's due date or meeting date.</summary>
/// <remarks>
/// Carries both dates as they now stand and as they stood, so the log tells what moved without
/// replaying what came before, and the fold needs nothing else.
/// </remarks>
public sealed record PartnerDatesChanged(string PartnerId, DateOnly DueOn, DateOnly? MeetingOn, DateOnly PreviousDueOn, DateOnly? PreviousMeetingOn, Actor By)
    : RoundEvent, IPartnerScoped;

/// <summary>The coordinator sent a partner's invitation again, with a fresh link (the link itself is never recorded).</summary>
public sealed record InvitationResent(string PartnerId, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>
/// The coordinator was given a link for the partner's officer (<paramref name="OfficerEmail"/>),
/// to pass on by other means. The link itself is never recorded.
/// </summary>
public sealed record OfficerLinkIssued(string PartnerId, string OfficerEmail, Actor By) : RoundEvent, IPartnerScoped;

/// <summary>A reminder was due and sent to the partner's officer (<paramref name="Overdue"/>: after its due date).</summary>
public sealed record ReminderSent(string PartnerId, DateOnly On, bool Overdue) : RoundEvent, IPartnerScoped;

/// <summary>The partner passed its due date: the chairs were told (once per partner).</summary>
/// <remarks>
/// Since escalations are batched (see <see cref="PartnerFellOverdue"/>) it is emitted by the
/// round's daily escalation, one per partner that escalation lists, in the same transition as
/// the one email; older rounds emitted it with a single-partner email. Either way it means the
/// chairs and coordinator were told, so replaying old logs does not tell them again.
/// </remarks>
public sealed record PartnerEscalated(string PartnerId, DateOnly On) : RoundEvent, IPartnerScoped;

/// <summary>
/// The partner's first overdue reminder went out with no decision: the chairs and coordinator
/// are to be told in the round's next daily escalation.
/// </summary>
/// <remarks>
/// Telling them at once sent one email per partner, so overdue timers for many partners firing
/// in the same minute flooded the chair and coordinator (16 near-identical emails each). Instead
/// the partner waits here, and one escalation timer a day (<see cref="TimerPurpose.Escalation"/>)
/// lists every waiting partner in one email per recipient, recording <see cref="PartnerEscalated"/>
/// for each. <paramref name="On"/> is the overdue reminder's date: the escalation goes that day.
/// </remarks>
public sealed record PartnerFellOverdue(string PartnerId, DateOnly On) : RoundEvent, IPartnerScoped;

/// <summary>The partner was asked again for its counterpart.</summary>
public sealed record CounterpartChased(string PartnerId, DateOnly On) : RoundEvent, IPartnerScoped;

/// <summary>The status digest went to the chairs.</summary>
public sealed record DigestSent(DateOnly On) : RoundEvent;

/// <summary>The round cannot reach effect as it stands (a partner declined, say), in words.</summary>
public sealed record RoundStalled(string Reason) : RoundEvent;

/// <summary>A stalled round is circulating again.</summary>
public sealed record RoundResumed : RoundEvent;

/// <summary>Every partner still in the round has signed a counterpart of the current version: the agreement took effect.</summary>
public sealed record RoundBecameEffective(DateOnly EffectiveOn) : RoundEvent;

/// <summary>The coordinator cancelled the round.</summary>
public sealed record RoundCancelled(string Reason, Actor By) : RoundEvent;

/// <summary>Bookkeeping: a reminder, chase, digest or deadline the round will wake for.</summary>
public sealed record TimerScheduled(PendingTimer Timer) : RoundEvent;

/// <summary>Bookkeeping: a timer that fired or is no longer wanted.</summary>
public sealed record TimerCleared(string TimerId) : RoundEvent;

/// <summary>An email or webhook of the round was given up after every retry.</summary>
public sealed record DeliveryFailed(DeliveryFailure Failure) : RoundEvent;

/// <summary>How a message leaves SignOff.</summary>
public enum DeliveryChannel
{
    Email,
    Webhook,

    /// <summary>A partner's published meeting calendar that could not be read (the "delivery" is of its meetings into the round).</summary>
    Calendar,

    /// <summary>The agreement register that could not open the agreement the round made (the "delivery" is of the round's result into the register).</summary>
    Register,
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

/// <summary>
/// The partner's published calendar lists a meeting of its deciding body before its due date that
/// the round did not know: imported (<paramref name="Adopted"/>) as the partner's meeting date, or,
/// when a person entered a different date the feed had not yet spoken about, noted only.
/// </summary>
/// <param name="PartnerId">The partner.</param>
/// <param name="MeetingOn">The meeting date the feed lists.</param>
/// <param name="PreviousPublishedOn">The upcoming date the feed listed before, when it moved (null: the feed's first word on it).</param>
/// <param name="PreviousMeetingOn">The partner's meeting date before this event.</param>
/// <param name="Source">The feed's address.</param>
/// <param name="Body">The body whose meeting it is.</param>
/// <param name="Uid">The meeting's UID in the feed, when it has one.</param>
/// <param name="Title">The meeting's summary in the feed, when it has one.</param>
/// <param name="Adopted">True when it became the partner's meeting date; false when a person's date stands.</param>
public sealed record MeetingPublished(
    string PartnerId,
    DateOnly MeetingOn,
    DateOnly? PreviousPublishedOn,
    DateOnly? PreviousMeetingOn,
    string Source,
    string Body,
    string? Uid,
    string? Title,
    bool Adopted) : RoundEvent, IPartnerScoped
{
    /// <summary>True when the feed had listed another upcoming date: the meeting moved.</summary>
    public bool Moved => PreviousPublishedOn is not null;
}

/// <summary>
/// The meeting the partner's published calendar listed is no longer listed before the due date
/// (cancelled, or moved past the due date). When the partner's meeting date came from the feed it
/// is cleared (<paramref name="Cleared"/>): the partner is back to "not yet scheduled".
/// </summary>
public sealed record PublishedMeetingCancelled(string PartnerId, DateOnly PreviousPublishedOn, string Source, string Body, bool Cleared)
    : RoundEvent, IPartnerScoped;
