using System.Collections.Immutable;
using SignOff.Core.Definitions;

namespace SignOff.Core.Rounds;

/// <summary>Where a round stands.</summary>
public enum RoundStatus
{
    /// <summary>The draft is out with the partners.</summary>
    Circulating,

    /// <summary>A partner declined or no partner remains: the coordinator must remove the partner, revise the draft or cancel.</summary>
    Stalled,

    /// <summary>Every remaining partner has signed a counterpart of the current version.</summary>
    Effective,

    /// <summary>The coordinator cancelled the round.</summary>
    Cancelled,
}

/// <summary>Where one partner stands.</summary>
public enum PartnerStatus
{
    Invited,
    Scheduled,
    Approved,
    ApprovedWithConditions,
    Deferred,
    Declined,
    CallIn,
    Authorised,
    Signed,
    Withdrawn,
    Removed,
}

/// <summary>The outcome an officer (or the coordinator on their behalf) records.</summary>
public enum DecisionOutcome
{
    Approved,
    ApprovedWithConditions,
    Deferred,
    Declined,
}

/// <summary>Whether conditions attached to an approval have been dealt with.</summary>
public enum ConditionsStatus
{
    None,
    Pending,
    Accepted,
}

/// <summary>The kind of revision of a draft.</summary>
public enum RevisionKind
{
    /// <summary>An addendum or correction: decisions stand, counterparts must be of the final version.</summary>
    Minor,

    /// <summary>A change of substance: every decision and counterpart must be taken again.</summary>
    Material,
}

/// <summary>Who did something.</summary>
public enum ActorRole
{
    Officer,
    Coordinator,
    System,
}

/// <summary>Who did something, as recorded in the audit log.</summary>
public sealed record Actor(string Name, string Email, ActorRole Role)
{
    public static Actor System { get; } = new("SignOff", "system@signoff.invalid", ActorRole.System);
}

/// <summary>A stored document: content-addressed by SHA-256.</summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the content.</param>
/// <param name="FileName">The name it was uploaded with (display only).</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="ContentType">application/pdf or the DOCX type.</param>
public sealed record DocumentRef(string Sha256, string FileName, long Length, string ContentType);

/// <summary>One version of the draft.</summary>
public sealed record DraftVersion(int Number, DocumentRef Document, DateTimeOffset At, RevisionKind? Kind, string? Note);

/// <summary>A decision as recorded, with its provenance.</summary>
/// <param name="Outcome">What was decided.</param>
/// <param name="Version">The draft version decided upon.</param>
/// <param name="Body">The decision-making body, e.g. "Cabinet".</param>
/// <param name="DecidedOn">The date of the decision or meeting.</param>
/// <param name="MinuteReference">The minute or decision reference, if given.</param>
/// <param name="Conditions">Conditions, for an approval subject to conditions.</param>
/// <param name="Reason">Reason, for a decline or deferral.</param>
/// <param name="DeferredTo">The next meeting, for a deferral.</param>
/// <param name="RecordedBy">Who recorded it.</param>
/// <param name="Evidence">For decisions the coordinator records on a partner's behalf: where the evidence is.</param>
public sealed record RecordedDecision(
    DecisionOutcome Outcome,
    int Version,
    string Body,
    DateOnly DecidedOn,
    string? MinuteReference,
    string? Conditions,
    string? Reason,
    DateOnly? DeferredTo,
    Actor RecordedBy,
    string? Evidence);

/// <summary>A partner's executed counterpart.</summary>
public sealed record Counterpart(
    int Version,
    DocumentRef Document,
    string SignatoryName,
    string SignatoryPosition,
    DateOnly SignedOn,
    DateOnly ReceivedOn,
    Actor ReceivedFrom);

/// <summary>One partner's state in a round.</summary>
public sealed record PartnerState(
    string PartnerId,
    string Name,
    Person Officer,
    GovernanceRoute Route,
    DateOnly DueOn,
    PartnerStatus Status,
    DateOnly? MeetingOn = null,
    bool Acknowledged = false,
    RecordedDecision? Decision = null,
    ConditionsStatus Conditions = ConditionsStatus.None,
    DateOnly? CallInEndsOn = null,
    bool CallInRunning = false,
    DateOnly? AuthorisedOn = null,
    Counterpart? Counterpart = null,
    DateOnly? LastReminderOn = null,
    DateOnly? LastCounterpartChaseOn = null,
    bool Escalated = false,
    DateOnly? ExitOn = null,
    string? ExitReason = null)
{
    /// <summary>True while the partner is still a party to the round.</summary>
    public bool IsRemaining => Status is not (PartnerStatus.Withdrawn or PartnerStatus.Removed);

    /// <summary>True while the partner still has to take its decision.</summary>
    public bool AwaitsDecision => Status is PartnerStatus.Invited or PartnerStatus.Scheduled or PartnerStatus.Deferred;

    /// <summary>The date the call-in period is over and the decision may be implemented.</summary>
    public DateOnly? AuthorisableOn => CallInEndsOn?.AddDays(1);
}

/// <summary>What a pending timer is for.</summary>
public enum TimerPurpose
{
    Reminder,
    OverdueReminder,
    CallInEnds,
    CounterpartChase,
    Digest,
}

/// <summary>
/// A timer the round is waiting for.
/// </summary>
/// <remarks>
/// The round's own list is the truth; any index a store keeps to find due timers is only a
/// hint. Ids are derived from purpose, partner and date, so the same schedule always yields the
/// same ids and a fired timer can never be confused with a later one.
/// </remarks>
public sealed record PendingTimer(string TimerId, TimerPurpose Purpose, string? PartnerId, DateOnly On, DateTimeOffset DueAt);

/// <summary>
/// The snapshot of a round: everything needed to decide the next trigger.
/// </summary>
/// <remarks>
/// It is a left fold of the round's events (<see cref="RoundEvolver"/>); the store keeps it
/// only to avoid replaying, and a property test checks that replay rebuilds it exactly.
/// </remarks>
public sealed record RoundState(
    string RoundId,
    RoundStatus Status,
    AgreementInfo Agreement,
    DateOnly LaunchedOn,
    DateOnly Deadline,
    string Calendar,
    ReminderPolicy Reminders,
    DigestSchedule Digest,
    ImmutableList<Person> Chairs,
    Person Coordinator,
    ImmutableList<DraftVersion> Versions,
    int MaterialBaseVersion,
    ImmutableList<PartnerState> Partners,
    ImmutableList<PendingTimer> Timers,
    ImmutableSortedSet<string> ProcessedTriggers,
    DateOnly? LastDigestOn,
    DateOnly? EffectiveOn,
    string? StallReason,
    string? CancelReason,
    long EventCount,
    ImmutableList<string>? Unscheduled = null)
{
    /// <summary>The current draft version.</summary>
    public DraftVersion CurrentVersion => Versions[^1];

    /// <summary>Partners still party to the round.</summary>
    public IEnumerable<PartnerState> RemainingPartners => Partners.Where(p => p.IsRemaining);

    /// <summary>The partner with an id, or null.</summary>
    public PartnerState? FindPartner(string partnerId) => Partners.Find(p => p.PartnerId == partnerId);

    /// <summary>The draft version or counterpart of this round with a SHA-256, or null: a round only hands out its own documents.</summary>
    public DocumentRef? FindDocument(string sha256) =>
        Versions.FirstOrDefault(v => v.Document.Sha256 == sha256)?.Document
        ?? Partners.Select(p => p.Counterpart?.Document).FirstOrDefault(d => d?.Sha256 == sha256);

    /// <summary>True when the round accepts no more triggers.</summary>
    public bool IsClosed => Status is RoundStatus.Cancelled or RoundStatus.Effective;
}
