using System.Text.Json.Serialization;
using SignOff.Core.Definitions;

namespace SignOff.Core.Rounds;

/// <summary>
/// Something that asks a round to move: a person's action, a timer, an upload.
/// </summary>
/// <remarks>
/// Every trigger carries an id chosen by whoever raises it (a form's idempotency key, a queue
/// message id, <c>timer:{timerId}</c>). A round remembers the ids it has applied, so a
/// trigger delivered twice — a double-clicked button, a redelivered queue message — changes
/// nothing the second time. Ids are 1–128 characters of letters, digits and <c>:._-</c>, so
/// they are safe in storage keys.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$trigger")]
[JsonDerivedType(typeof(StartRound), "start-round")]
[JsonDerivedType(typeof(AcknowledgeInvitation), "acknowledge")]
[JsonDerivedType(typeof(ScheduleMeeting), "schedule-meeting")]
[JsonDerivedType(typeof(RecordDecision), "record-decision")]
[JsonDerivedType(typeof(CorrectDecision), "correct-decision")]
[JsonDerivedType(typeof(CallInDecision), "call-in-decision")]
[JsonDerivedType(typeof(ResolveCallIn), "resolve-call-in")]
[JsonDerivedType(typeof(AcceptConditions), "accept-conditions")]
[JsonDerivedType(typeof(RejectConditions), "reject-conditions")]
[JsonDerivedType(typeof(ReceiveCounterpart), "receive-counterpart")]
[JsonDerivedType(typeof(AcceptCounterpart), "accept-counterpart")]
[JsonDerivedType(typeof(RejectCounterpart), "reject-counterpart")]
[JsonDerivedType(typeof(ReviseDraft), "revise-draft")]
[JsonDerivedType(typeof(AddPartner), "add-partner")]
[JsonDerivedType(typeof(WithdrawPartner), "withdraw-partner")]
[JsonDerivedType(typeof(RemovePartner), "remove-partner")]
[JsonDerivedType(typeof(DelegateOfficer), "delegate-officer")]
[JsonDerivedType(typeof(ChangePartnerDates), "change-partner-dates")]
[JsonDerivedType(typeof(ResendInvitation), "resend-invitation")]
[JsonDerivedType(typeof(IssueOfficerLink), "issue-officer-link")]
[JsonDerivedType(typeof(CancelRound), "cancel-round")]
[JsonDerivedType(typeof(FireTimer), "fire-timer")]
[JsonDerivedType(typeof(ReportDeliveryFailure), "report-delivery-failure")]
[JsonDerivedType(typeof(RecordPublishedMeeting), "record-published-meeting")]
public abstract record RoundTrigger(string TriggerId);

/// <summary>A trigger or event about one partner, rather than the round as a whole.</summary>
/// <remarks>
/// Lets the round's readers ask "which partner?" of any trigger or event (the partner page's
/// history, the logs' scope) without a switch over every type that must grow with each new one.
/// </remarks>
public interface IPartnerScoped
{
    /// <summary>The partner it is about.</summary>
    string PartnerId { get; }
}

/// <summary>A trigger a person asked for (or SignOff on their behalf), and who: for the audit log and the logs.</summary>
public interface IActorTrigger
{
    /// <summary>Who asked.</summary>
    Actor By { get; }
}

/// <summary>Launch a round: circulate the draft to every partner.</summary>
public sealed record StartRound(string TriggerId, string RoundId, RoundDefinition Definition, DocumentRef Draft, Actor By, Agreements.AgreementChange? ChangeOf = null)
    : RoundTrigger(TriggerId), IActorTrigger;

/// <summary>An officer confirms they have the invitation in hand.</summary>
public sealed record AcknowledgeInvitation(string TriggerId, string PartnerId, Actor By) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>A meeting (or decision date) is scheduled or moved.</summary>
public sealed record ScheduleMeeting(string TriggerId, string PartnerId, DateOnly MeetingOn, string? Body, Actor By)
    : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>A partner's decision, recorded by its officer or by the coordinator with evidence.</summary>
public sealed record RecordDecision(
    string TriggerId,
    string PartnerId,
    int Version,
    DecisionOutcome Outcome,
    string? Body,
    DateOnly DecidedOn,
    string? MinuteReference,
    string? Conditions,
    string? Reason,
    DateOnly? DeferredTo,
    Actor By,
    string? Evidence = null,
    string? SignatureDelegatedTo = null,
    string? ActingUnder = null) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>
/// The coordinator corrects a recorded decision (the wrong outcome pressed, the wrong date or
/// minute reference), saying why and where the evidence is.
/// </summary>
/// <remarks>
/// Carries the corrected decision as the same <see cref="RecordDecision"/> a first recording
/// would, so every door reads a correction with the same reader and the core checks it with the
/// same rules; the log keeps the original beside it (<see cref="DecisionCorrected"/>).
/// </remarks>
/// <param name="TriggerId">The trigger's id.</param>
/// <param name="Corrected">The decision as it should have been recorded (its partner is the partner corrected).</param>
/// <param name="Reason">Why the record was wrong.</param>
/// <param name="Evidence">Where the evidence of the right decision is (minutes, a decision notice).</param>
/// <param name="By">Who corrects it.</param>
public sealed record CorrectDecision(string TriggerId, RecordDecision Corrected, string Reason, string Evidence, Actor By)
    : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped
{
    /// <summary>The partner whose decision is corrected: the corrected decision's.</summary>
    [JsonIgnore]
    public string PartnerId => Corrected.PartnerId;
}

/// <summary>A scrutiny committee called a partner's decision in during its call-in period.</summary>
/// <param name="TriggerId">The trigger's id.</param>
/// <param name="PartnerId">The partner whose decision was called in.</param>
/// <param name="CalledInOn">The date it was called in.</param>
/// <param name="Committee">The committee that called it in (null: not given).</param>
/// <param name="Reason">The grounds given, if any.</param>
/// <param name="By">Who recorded it: the partner's officer or the coordinator.</param>
public sealed record CallInDecision(string TriggerId, string PartnerId, DateOnly CalledInOn, string? Committee, string? Reason, Actor By)
    : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>The outcome of a call-in: the decision upheld, or referred back to be taken again.</summary>
/// <param name="TriggerId">The trigger's id.</param>
/// <param name="PartnerId">The partner whose called-in decision was resolved.</param>
/// <param name="Outcome">Upheld (the decision may be implemented from <paramref name="DecidedOn"/>) or referred back.</param>
/// <param name="DecidedOn">The date the committee (or the decision-maker, on a referral) concluded.</param>
/// <param name="Note">What was said, if anything.</param>
/// <param name="By">Who recorded it.</param>
public sealed record ResolveCallIn(string TriggerId, string PartnerId, CallInOutcome Outcome, DateOnly DecidedOn, string? Note, Actor By)
    : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>The coordinator accepts a partner's conditions.</summary>
public sealed record AcceptConditions(string TriggerId, string PartnerId, string? Note, Actor By) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>The coordinator rejects a partner's conditions: the partner must decide again.</summary>
public sealed record RejectConditions(string TriggerId, string PartnerId, string Reason, Actor By) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>A signed counterpart arrives.</summary>
public sealed record ReceiveCounterpart(
    string TriggerId,
    string PartnerId,
    int Version,
    DocumentRef Document,
    string SignatoryName,
    string SignatoryPosition,
    DateOnly SignedOn,
    Actor By,
    SignatureCheck? Check = null) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>The coordinator accepts a counterpart waiting for review: it counts from now.</summary>
public sealed record AcceptCounterpart(string TriggerId, string PartnerId, string? Note, Actor By) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>The coordinator rejects a partner's counterpart, with a reason, before the agreement takes effect: the partner is asked again.</summary>
public sealed record RejectCounterpart(string TriggerId, string PartnerId, string Reason, Actor By) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>The coordinator circulates a revised draft.</summary>
public sealed record ReviseDraft(string TriggerId, DocumentRef Draft, RevisionKind Kind, string? Note, Actor By) : RoundTrigger(TriggerId), IActorTrigger;

/// <summary>A partner joins mid-round.</summary>
public sealed record AddPartner(string TriggerId, PartnerDefinition Partner, Actor By) : RoundTrigger(TriggerId), IActorTrigger;

/// <summary>A partner withdraws (on notice) before the agreement takes effect.</summary>
public sealed record WithdrawPartner(string TriggerId, string PartnerId, DateOnly NoticeOn, string? Reason, Actor By) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>The coordinator removes a partner that declined, so the round can go on without it.</summary>
public sealed record RemovePartner(string TriggerId, string PartnerId, string? Reason, Actor By) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>An officer hands the partner's role to a colleague.</summary>
public sealed record DelegateOfficer(string TriggerId, string PartnerId, Person NewOfficer, Actor By) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>The coordinator moves a partner's due date or meeting date (null: that date stays as it is).</summary>
/// <remarks>
/// Governance slips: a meeting is moved, or a partner is given longer. The change is audited and
/// the officer told, and the reminders follow the new dates (the planner re-plans them).
/// </remarks>
public sealed record ChangePartnerDates(string TriggerId, string PartnerId, DateOnly? DueOn, DateOnly? MeetingOn, Actor By) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>The coordinator sends a partner's invitation again, with a fresh link.</summary>
/// <remarks>
/// For an invitation lost to a spam filter or an expired link. Refused within
/// <see cref="RoundProcess.ResendInterval"/> of the last resend, so a double click or an impatient
/// coordinator does not fill an officer's inbox.
/// </remarks>
public sealed record ResendInvitation(string TriggerId, string PartnerId, Actor By) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>The coordinator asks for a working link for a partner's officer, to pass on by other means.</summary>
/// <remarks>
/// For an officer whose mail filters eat every invitation: the coordinator reads the link out or
/// sends it from their own mailbox. Only the fact is recorded — who was given a link for whom —
/// because a link is a credential: the round's log, its webhooks and its event feed must never
/// carry one. The host mints the link after the round has recorded this.
/// </remarks>
public sealed record IssueOfficerLink(string TriggerId, string PartnerId, Actor By) : RoundTrigger(TriggerId), IActorTrigger, IPartnerScoped;

/// <summary>The coordinator cancels the round.</summary>
public sealed record CancelRound(string TriggerId, string Reason, Actor By) : RoundTrigger(TriggerId), IActorTrigger;

/// <summary>A pending timer is due. Raised by a sweeper with id <c>timer:{timerId}</c>.</summary>
public sealed record FireTimer(string TriggerId, string TimerId) : RoundTrigger(TriggerId)
{
    /// <summary>The conventional trigger for a timer: firing it twice is the same trigger.</summary>
    public static FireTimer For(string timerId) => new($"timer:{timerId}", timerId);
}

/// <summary>
/// SignOff itself reports that an email or a webhook of the round could not be delivered after
/// every retry, so the failure is in the round's audit log and (for a webhook subscription that
/// was disabled) the coordinator is told the ordinary way.
/// </summary>
/// <remarks>
/// Accepted on a closed round too: the last emails of an agreement that took effect can fail
/// like any other, and the log must say so. Raised with id <c>failed:{reference}</c>, so a
/// failure reported twice is recorded once.
/// </remarks>
public sealed record ReportDeliveryFailure(string TriggerId, DeliveryFailure Failure) : RoundTrigger(TriggerId);

/// <summary>
/// SignOff itself reports what a partner's published meeting calendar lists: the next meeting of
/// the partner's body from the check's day to its due date (<paramref name="MeetingOn"/>), or none
/// (null). Raised by the host after it performs a <see cref="CheckMeetingCalendar"/> effect.
/// </summary>
/// <remarks>
/// Its id is derived from the effect's (<see cref="IdFor"/>), so a check retried after a crash
/// raises the same trigger and the round records it once. What the feed says the round already
/// knows is refused with <see cref="RejectionCode.PublishedMeetingUnchanged"/>: an unchanged
/// calendar leaves no mark in the round's log, however many working days it is read.
/// </remarks>
/// <param name="TriggerId">See <see cref="IdFor"/>.</param>
/// <param name="PartnerId">The partner.</param>
/// <param name="FeedUrl">The feed that was read (a feed the partner no longer names is refused).</param>
/// <param name="MeetingOn">The next meeting of the body the feed lists, or null.</param>
/// <param name="Uid">That meeting's UID in the feed.</param>
/// <param name="Title">That meeting's summary in the feed.</param>
public sealed record RecordPublishedMeeting(string TriggerId, string PartnerId, string FeedUrl, DateOnly? MeetingOn, string? Uid, string? Title)
    : RoundTrigger(TriggerId), IPartnerScoped
{
    /// <summary>The trigger id for what a calendar check found: the same for every retry of the same effect.</summary>
    public static string IdFor(string effectId)
    {
        ArgumentNullException.ThrowIfNull(effectId);
        var id = $"published:{effectId}";
        return id.Length <= 128 ? id
            : $"published:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(effectId)))}";
    }
}
