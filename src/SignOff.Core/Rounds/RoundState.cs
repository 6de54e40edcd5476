using System.Collections.Immutable;
using SignOff.Core.Agreements;
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

    /// <summary>A counterpart arrived that SignOff could not verify, and the round asks the coordinator to accept it before it counts.</summary>
    CounterpartInReview,
    Signed,
    Withdrawn,
    Removed,

    /// <summary>A scrutiny committee called the decision in: it waits for the call-in's outcome.</summary>
    CalledIn,
}

/// <summary>The outcome an officer (or the coordinator on their behalf) records.</summary>
public enum DecisionOutcome
{
    Approved,
    ApprovedWithConditions,
    Deferred,
    Declined,
}

/// <summary>How a call-in ended.</summary>
public enum CallInOutcome
{
    /// <summary>The decision stands and may be implemented.</summary>
    Upheld,

    /// <summary>The decision goes back to the decision-maker, to be taken again.</summary>
    ReferredBack,
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
/// <param name="SignatureDelegatedTo">
/// For an approval in principle: the office holder the body delegated the signature to (Sefton's
/// cabinet approved its intention to sign and delegated the signature to a cabinet member). Only
/// a counterpart signed by that office counts.
/// </param>
/// <param name="ActingUnder">
/// For a decision taken by an officer or a single member: the delegation they acted under (a
/// scheme of delegation's paragraph, a cabinet resolution), for the delegation register.
/// </param>
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
    string? Evidence,
    string? SignatureDelegatedTo = null,
    string? ActingUnder = null)
{
    /// <summary>The authority the decision was taken under, as the delegation register shows it.</summary>
    public string Authority => ActingUnder is { } under ? $"{Body}, acting under {under}" : Body;

    /// <summary>The authority a counterpart of this decision is signed under.</summary>
    public string SignatureAuthority => SignatureDelegatedTo is { } office
        ? $"the {office}, under the delegation by {Body} on {Wording.UkDates.Long(DecidedOn)}"
        : $"{Body}'s decision of {Wording.UkDates.Long(DecidedOn)}";

    /// <summary>True when <paramref name="position"/> names the office the signature was delegated to (or no office was named).</summary>
    /// <remarks>Compared as people write offices: case, spacing and a leading "the" do not matter.</remarks>
    public bool SignableBy(string position) => SignatureDelegatedTo is not { } office || Office(position) == Office(office);

    private static string Office(string text)
    {
        var words = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
        return words.StartsWith("THE ", StringComparison.Ordinal) ? words[4..] : words;
    }
}

/// <summary>How a counterpart's signature was established when SignOff received it.</summary>
public enum SignatureKind
{
    /// <summary>Executed in SignOff by the signatory, and sealed with the service's certificate.</summary>
    SignedInSignOff,

    /// <summary>A PDF carrying a digital signature whose signed bytes are intact and whose CMS signature verifies.</summary>
    DigitallySigned,

    /// <summary>A PDF or Word file with no digital signature (a scan, say): for the coordinator to review.</summary>
    NotDigitallySigned,

    /// <summary>A photo of a wet-ink signature page, converted to PDF: for the coordinator to review.</summary>
    Photo,
}

/// <summary>What SignOff found when it checked a counterpart's signature.</summary>
/// <param name="Kind">How the signature was established.</param>
/// <param name="Signer">The signing certificate's subject (digital signatures), or the signatory (signed in SignOff).</param>
/// <param name="Detail">What was checked, in words, for the completion pack and the coordinator.</param>
public sealed record SignatureCheck(SignatureKind Kind, string? Signer = null, string? Detail = null)
{
    /// <summary>True when the signature was verified by SignOff (made in it, or a digital signature that verifies).</summary>
    public bool IsVerified => Kind is SignatureKind.SignedInSignOff or SignatureKind.DigitallySigned;
}

/// <summary>A partner's executed counterpart.</summary>
/// <param name="Version">The draft version it is a counterpart of.</param>
/// <param name="Document">The stored file (content-addressed by its SHA-256).</param>
/// <param name="SignatoryName">Who signed for the organisation.</param>
/// <param name="SignatoryPosition">Their position.</param>
/// <param name="SignedOn">The date it was signed.</param>
/// <param name="ReceivedOn">The date SignOff received it.</param>
/// <param name="ReceivedFrom">Who uploaded or executed it.</param>
/// <param name="Check">What SignOff found when it checked the signature; null on counterparts recorded before checks existed.</param>
public sealed record Counterpart(
    int Version,
    DocumentRef Document,
    string SignatoryName,
    string SignatoryPosition,
    DateOnly SignedOn,
    DateOnly ReceivedOn,
    Actor ReceivedFrom,
    SignatureCheck? Check = null);

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
    string? ExitReason = null,
    DateTimeOffset? InvitationResentAt = null,
    DateOnly? EscalationDueOn = null,
    MeetingCalendar? Calendar = null,
    string? MeetingSource = null,
    DateOnly? PublishedMeetingOn = null)
{
    // Calendar: the published meeting calendar the partner's meeting date is read from (null: none).
    // MeetingSource: where the current meeting date came from: the feed's address, or null when a person gave it.
    // PublishedMeetingOn: the meeting date the feed last listed (null: none listed, or not yet read).

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

    /// <summary>The round's daily escalation: one email per recipient listing every partner that fell overdue (see <see cref="PartnerFellOverdue"/>).</summary>
    Escalation,

    /// <summary>A working day's look at a partner's published meeting calendar, while it awaits its decision (see <see cref="CheckMeetingCalendar"/>).</summary>
    CalendarCheck,
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
/// only to avoid replaying, and a property test checks that replay rebuilds it exactly. Its
/// members are named, not positional: it is built in one place from <see cref="RoundStarted"/>
/// and changed everywhere else with <c>with</c>, and a snapshot stored by an earlier version
/// reads back by name (a member added later needs a default meaning what old snapshots meant).
/// </remarks>
public sealed record RoundState
{
    /// <summary>The round's id (also its entity key).</summary>
    public required string RoundId { get; init; }

    /// <summary>Where the round stands.</summary>
    public required RoundStatus Status { get; init; }

    /// <summary>The agreement being signed: title and reference.</summary>
    public required AgreementInfo Agreement { get; init; }

    /// <summary>The day the round was launched (London).</summary>
    public required DateOnly LaunchedOn { get; init; }

    /// <summary>The date every partner is asked to have signed by.</summary>
    public required DateOnly Deadline { get; init; }

    /// <summary>The bank-holiday division working days are counted in.</summary>
    public required string Calendar { get; init; }

    /// <summary>When officers are reminded.</summary>
    public required ReminderPolicy Reminders { get; init; }

    /// <summary>When the chairs get the status digest.</summary>
    public required DigestSchedule Digest { get; init; }

    /// <summary>Who receives the digest and escalations.</summary>
    public required ImmutableList<Person> Chairs { get; init; }

    /// <summary>Who runs the round and is told what needs them.</summary>
    public required Person Coordinator { get; init; }

    /// <summary>Every version of the draft circulated, oldest first; the last is current.</summary>
    public required ImmutableList<DraftVersion> Versions { get; init; }

    /// <summary>The version of the last material revision: decisions on versions before it no longer count.</summary>
    public required int MaterialBaseVersion { get; init; }

    /// <summary>Every partner ever invited, including those that left (they never leave the snapshot).</summary>
    public ImmutableList<PartnerState> Partners { get; init; } = [];

    /// <summary>The timers the round is waiting for.</summary>
    public ImmutableList<PendingTimer> Timers { get; init; } = [];

    /// <summary>Which counterparts wait for the coordinator's acceptance (none on rounds launched before the policy existed).</summary>
    public CounterpartReview CounterpartReview { get; init; }

    /// <summary>How often the agreement is reviewed once in force (null: no cycle, and on rounds launched before the register).</summary>
    public ReviewCycle? Reviews { get; init; }

    /// <summary>How long a party stays bound after giving notice once the agreement is in force.</summary>
    public NoticePeriod Notice { get; init; } = NoticePeriod.Default;

    /// <summary>The agreement in the register this round varies or joins an organisation to (null: the round makes a new agreement).</summary>
    public AgreementChange? ChangeOf { get; init; }

    /// <summary>The ids of every trigger applied, so a trigger delivered twice changes nothing.</summary>
    public ImmutableSortedSet<string> ProcessedTriggers { get; init; } = [];

    /// <summary>The last day an escalation went out (null: none, or only before escalations were batched).</summary>
    /// <remarks>Kept so that a partner falling overdue after the day's escalation waits for the next day's, not a second email the same day.</remarks>
    public DateOnly? LastEscalationOn { get; init; }

    /// <summary>The last day a digest went out.</summary>
    public DateOnly? LastDigestOn { get; init; }

    /// <summary>The day the agreement took effect, once it has.</summary>
    public DateOnly? EffectiveOn { get; init; }

    /// <summary>Why the round is stalled, while it is.</summary>
    public string? StallReason { get; init; }

    /// <summary>Why the round was cancelled, if it was.</summary>
    public string? CancelReason { get; init; }

    /// <summary>How many events the snapshot folds.</summary>
    public long EventCount { get; init; }

    /// <summary>Timers that could not be scheduled beyond the bank-holiday data, in words (null or empty: none).</summary>
    public ImmutableList<string>? Unscheduled { get; init; }

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
