using System.Collections.Immutable;
using System.Text.Json.Serialization;
using SignOff.Core.Definitions;

namespace SignOff.Core.Rounds;

/// <summary>
/// Something to do in the world after a transition commits: an email, a webhook.
/// </summary>
/// <remarks>
/// Effects go to the outbox in the same transaction as the events, and are dispatched at
/// least once. <see cref="EffectId"/> is derived from the trigger id and the effect's position,
/// so deciding the same trigger again (after a concurrency conflict) yields the same ids, and
/// dispatchers use it to perform each effect once.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$effect")]
[JsonDerivedType(typeof(SendNotification), "notification")]
[JsonDerivedType(typeof(PublishWebhook), "webhook")]
[JsonDerivedType(typeof(CheckMeetingCalendar), "calendar-check")]
[JsonDerivedType(typeof(RecordInRegister), "record-in-register")]
public abstract record RoundEffect(string EffectId);

/// <summary>Send a notification (rendered to email by the host).</summary>
public sealed record SendNotification(string EffectId, Notification Notification) : RoundEffect(EffectId);

/// <summary>Publish an event to webhook subscribers.</summary>
public sealed record PublishWebhook(string EffectId, WebhookEvent Event) : RoundEffect(EffectId);

/// <summary>
/// Read a partner's published meeting calendar and report the next meeting of its body between
/// <paramref name="From"/> and <paramref name="DueOn"/> back to the round, as a
/// <see cref="RecordPublishedMeeting"/> trigger with id <see cref="RecordPublishedMeeting.IdFor"/>.
/// </summary>
/// <remarks>
/// The reading is the host's (it fetches over the network, which the core never does); what the
/// reading means — imported, moved, cancelled, or nothing new — is the round's to decide.
/// </remarks>
public sealed record CheckMeetingCalendar(string EffectId, string PartnerId, string FeedUrl, string Body, DateOnly From, DateOnly DueOn) : RoundEffect(EffectId);

/// <summary>
/// The round took effect: the agreement register records what its counterparts did — opens the
/// agreement it made, applies the variation it carried, or admits the organisation it joined.
/// </summary>
/// <remarks>
/// An effect, not a call: the round decides what its signatures mean; the host raises
/// <see cref="ToTrigger"/> on the agreement's own entity with the trigger id <see cref="TriggerId"/>,
/// derived from this effect's id, so a retried effect is the same trigger and counts once.
/// </remarks>
/// <param name="EffectId">The effect's id.</param>
/// <param name="RoundId">The round, and so the agreement's id when the round made it.</param>
/// <param name="Agreement">Title and reference.</param>
/// <param name="Terms">Reviews, notice and the calendar (<see cref="Agreements.AgreementRegister.TermsOf"/>).</param>
/// <param name="Coordinator">Who keeps the register.</param>
/// <param name="Chairs">Who is told when parties leave.</param>
/// <param name="Document">The executed draft.</param>
/// <param name="EffectiveOn">The day it took effect.</param>
/// <param name="Signatories">Who signed for which partner, on which version.</param>
/// <param name="ChangeOf">The agreement the round varied or joined an organisation to (null: the round made it).</param>
public sealed record RecordInRegister(string EffectId, string RoundId, AgreementInfo Agreement, Agreements.AgreementTerms Terms, Person Coordinator, ImmutableList<Person> Chairs,
    DocumentRef Document, DateOnly EffectiveOn, ImmutableList<Agreements.Signatory> Signatories, Agreements.AgreementChange? ChangeOf = null) : RoundEffect(EffectId)
{
    /// <summary>The register's trigger for this effect: the same every time the effect is performed.</summary>
    public string TriggerId => $"register:{EffectId}";

    /// <summary>The agreement the trigger goes to.</summary>
    public string AgreementId => ChangeOf?.AgreementId ?? RoundId;

    /// <summary>What the round's counterparts mean to the register.</summary>
    public Agreements.AgreementTrigger ToTrigger() => ChangeOf switch
    {
        null => new Agreements.OpenAgreement(TriggerId, RoundId, Agreement, Terms, Coordinator, Chairs, Document, EffectiveOn, Signatories),
        { Kind: Agreements.AgreementChangeKind.Variation } => new Agreements.ApplyVariation(TriggerId, RoundId, Document, EffectiveOn, Signatories),
        { Kind: Agreements.AgreementChangeKind.Accession } change =>
            new Agreements.AdmitParty(TriggerId, RoundId, Signatories.Single(), change.BaseVersion, EffectiveOn),
        _ => throw new InvalidOperationException($"Unknown change {ChangeOf.Kind}."),
    };
}

/// <summary>The messages SignOff sends.</summary>
public enum NotificationKind
{
    Invitation,
    Reminder,
    OverdueReminder,
    OverdueEscalation,
    DecisionConfirmation,
    ConditionsAwaitingReview,
    ConditionsOutcome,
    DeclineAlert,
    CounterpartRequest,
    CounterpartChase,
    CounterpartReceipt,
    CounterpartAwaitingReview,
    CounterpartReturned,
    RevisionNotice,
    WithdrawalNotice,
    RemovalNotice,
    DelegationNotice,
    Cancellation,
    EffectiveNotice,
    ChairDigest,
    WebhookStopped,
    CalendarExhausted,
    DecisionCorrection,
    CallInNotice,
    CallInOutcomeNotice,
    DatesChanged,

    /// <summary>The meeting the partner's published calendar listed has moved: to the coordinator and the officer.</summary>
    PublishedMeetingMoved,

    /// <summary>The meeting the partner's published calendar listed is no longer listed before the due date: to the coordinator and the officer.</summary>
    PublishedMeetingCancelled,
}

/// <summary>Why someone receives a message.</summary>
public enum RecipientRole
{
    Officer,
    Coordinator,
    Chair,
}

/// <summary>One addressee.</summary>
public sealed record Recipient(Person Person, RecipientRole Role);

/// <summary>
/// A notification's content model: what to say, not how to lay it out.
/// </summary>
/// <remarks>
/// The host renders it (Razor components) and, where <see cref="ResponseLinkFor"/> is set,
/// mints a fresh single-partner response link at send time: secrets are never stored in
/// events or the outbox. Each member means one thing for every kind that uses it; a kind
/// ignores the members it does not use.
/// </remarks>
/// <param name="Kind">What the email is for.</param>
/// <param name="To">Who it goes to, and in what role (the role decides which link they get).</param>
/// <param name="RoundId">The round.</param>
/// <param name="AgreementTitle">The agreement's title.</param>
/// <param name="AgreementReference">The agreement's reference.</param>
/// <param name="Version">The draft version it concerns (the current one).</param>
/// <param name="VersionSha256">That version's SHA-256, quoted so a reader can check the attachment.</param>
/// <param name="PartnerId">The partner it is about, for partner notifications.</param>
/// <param name="OrganisationName">That partner's name.</param>
/// <param name="DueOn">The partner's due date (invitations, reminders, escalations).</param>
/// <param name="MeetingOn">The partner's meeting date, when known.</param>
/// <param name="CallInEndsOn">When the partner's call-in period ends.</param>
/// <param name="EffectiveOn">When the agreement took effect (the effective notice).</param>
/// <param name="Outcome">The decision recorded (decision receipts and alerts).</param>
/// <param name="Body">The body that decided.</param>
/// <param name="Conditions">The conditions the partner approved subject to.</param>
/// <param name="Reason">A reason in words: why a round was cancelled or stalled, why conditions were not accepted, why a partner left.</param>
/// <param name="Note">The coordinator's note (on a revision, on accepting conditions).</param>
/// <param name="WorkingDaysLeft">Working days to the due date (reminders).</param>
/// <param name="ResponseLinkFor">The partner whose officer gets a fresh response link, if any.</param>
/// <param name="AttachDraft">Attach the current draft.</param>
/// <param name="AttachCompletionPack">Attach the completion pack (the effective notice).</param>
/// <param name="AttachCalendar">Attach an iCalendar invitation for the due date.</param>
/// <param name="Failure">What could not be delivered (a stopped webhook subscription).</param>
/// <param name="Revision">For a revision notice: whether the revision is minor or material.</param>
/// <param name="ConditionsAccepted">For a conditions outcome: true when the coordinator accepted them.</param>
/// <param name="CallInOutcome">For a call-in outcome notice: upheld or referred back.</param>
/// <param name="CounterpartSuperseded">For a minor revision notice: the partner had signed, and its counterpart of the earlier version no longer counts.</param>
/// <param name="MeetingPassed">For a reminder: the partner's meeting date has passed with no decision recorded, so the reminder asks what was decided rather than repeating the old date.</param>
/// <param name="Coordinator">The round's coordinator: who is asking, named in the email and its Reply-To (null in notifications queued before it was added).</param>
/// <param name="Overdue">For an overdue escalation: every partner it reports, so a day's overdue partners make one email per recipient, not one each.</param>
/// <param name="PreviousMeetingOn">For a published meeting that moved or was cancelled: the date the published calendar listed before.</param>
/// <param name="Source">For a published meeting: the address of the calendar it was read from.</param>
/// <param name="ChangeOf">The round varies an agreement in force, or joins an organisation to one (null: it makes a new agreement), so its emails say so.</param>
public sealed record Notification(
    NotificationKind Kind,
    ImmutableList<Recipient> To,
    string RoundId,
    string AgreementTitle,
    string AgreementReference,
    int Version,
    string VersionSha256,
    string? PartnerId = null,
    string? OrganisationName = null,
    DateOnly? DueOn = null,
    DateOnly? MeetingOn = null,
    DateOnly? CallInEndsOn = null,
    DateOnly? EffectiveOn = null,
    DecisionOutcome? Outcome = null,
    string? Body = null,
    string? Conditions = null,
    string? Reason = null,
    string? Note = null,
    int? WorkingDaysLeft = null,
    string? ResponseLinkFor = null,
    bool AttachDraft = false,
    bool AttachCompletionPack = false,
    bool AttachCalendar = false,
    DeliveryFailure? Failure = null,
    RevisionKind? Revision = null,
    bool ConditionsAccepted = false,
    CallInOutcome? CallInOutcome = null,
    bool CounterpartSuperseded = false,
    ImmutableList<OverduePartner>? Overdue = null,
    Person? Coordinator = null,
    bool MeetingPassed = false,
    DateOnly? PreviousMeetingOn = null,
    string? Source = null,
    Agreements.AgreementChangeKind? ChangeOf = null);

/// <summary>A partner an escalation reports as past its due date without a decision.</summary>
/// <param name="PartnerId">The partner.</param>
/// <param name="Name">Its organisation's name.</param>
/// <param name="DueOn">The date its decision was due.</param>
public sealed record OverduePartner(string PartnerId, string Name, DateOnly DueOn);

/// <summary>
/// An event for other systems, in the catalogue published with the webhooks.
/// </summary>
/// <param name="Type">e.g. <c>partner.decided</c>.</param>
/// <param name="RoundId">The round.</param>
/// <param name="PartnerId">The partner, when the event is about one.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Data">Event-specific fields; names in camelCase.</param>
public sealed record WebhookEvent(string Type, string RoundId, string? PartnerId, DateTimeOffset OccurredAt, ImmutableSortedDictionary<string, string> Data);

/// <summary>The webhook event types SignOff publishes.</summary>
public static class WebhookEventTypes
{
    public const string RoundStarted = "round.started";
    public const string PartnerInvited = "partner.invited";
    public const string PartnerAcknowledged = "partner.acknowledged";
    public const string PartnerReminded = "partner.reminded";
    public const string PartnerMeetingScheduled = "partner.meeting_scheduled";
    public const string PartnerDecided = "partner.decided";
    public const string PartnerCallInStarted = "partner.call_in_started";
    public const string PartnerCalledIn = "partner.called_in";
    public const string PartnerCallInResolved = "partner.call_in_resolved";
    public const string PartnerDecisionCorrected = "partner.decision_corrected";
    public const string PartnerConditionsAccepted = "partner.conditions_accepted";
    public const string PartnerConditionsRejected = "partner.conditions_rejected";
    public const string PartnerAuthorised = "partner.authorised";
    public const string PartnerCounterpartReceived = "partner.counterpart_received";
    public const string PartnerCounterpartHeldForReview = "partner.counterpart_held_for_review";
    public const string PartnerCounterpartAccepted = "partner.counterpart_accepted";
    public const string PartnerCounterpartRejected = "partner.counterpart_rejected";
    public const string PartnerWithdrawn = "partner.withdrawn";
    public const string PartnerRemoved = "partner.removed";
    public const string PartnerOfficerChanged = "partner.officer_changed";
    public const string PartnerDatesChanged = "partner.dates_changed";
    public const string RoundRevised = "round.revised";
    public const string RoundStalled = "round.stalled";
    public const string RoundResumed = "round.resumed";
    public const string RoundOverdue = "round.overdue";
    public const string RoundCancelled = "round.cancelled";
    public const string AgreementEffective = "agreement.effective";

    /// <summary>Every type, for catalogue checks.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        RoundStarted, PartnerInvited, PartnerAcknowledged, PartnerReminded, PartnerMeetingScheduled, PartnerDecided,
        PartnerCallInStarted, PartnerCalledIn, PartnerCallInResolved, PartnerDecisionCorrected, PartnerConditionsAccepted, PartnerConditionsRejected, PartnerAuthorised,
        PartnerCounterpartReceived, PartnerCounterpartHeldForReview, PartnerCounterpartAccepted, PartnerCounterpartRejected, PartnerWithdrawn, PartnerRemoved, PartnerOfficerChanged, PartnerDatesChanged, RoundRevised,
        RoundStalled, RoundResumed, RoundOverdue, RoundCancelled, AgreementEffective,
    ];
}
