using SignOff.Core.Agreements;

namespace SignOff.Core.Definitions;

/// <summary>A person the round writes to: an officer, a chair, the coordinator.</summary>
public sealed record Person(string Name, string Email);

/// <summary>How a governance route reaches a decision.</summary>
public enum GovernanceKind
{
    /// <summary>One decision-maker, e.g. a cabinet member's individual executive decision.</summary>
    IndividualDecision,

    /// <summary>A meeting of a body: cabinet, full council, a board.</summary>
    Meeting,

    /// <summary>An officer acting under delegated powers.</summary>
    DelegatedOfficer,
}

/// <summary>
/// A reusable governance route (<c>workflows/governance/*.yaml</c>).
/// </summary>
/// <remarks>
/// A round copies the route's settings into its state when it starts, so that editing a route
/// file never changes the timetable of a round already in flight.
/// </remarks>
/// <param name="Id">The route's id, e.g. <c>cabinet-member</c>; the file name without extension.</param>
/// <param name="Name">A readable name, e.g. "Cabinet member decision".</param>
/// <param name="Kind">How the decision is taken.</param>
/// <param name="CallInClearWorkingDays">Clear working days after the decision before it may be
/// implemented (0 when the route has no call-in).</param>
/// <param name="DecisionBody">Default decision-making body shown on forms, e.g. "Cabinet".</param>
/// <param name="Description">What the route means, for people.</param>
public sealed record GovernanceRoute(
    string Id,
    string Name,
    GovernanceKind Kind,
    int CallInClearWorkingDays,
    string DecisionBody,
    string Description)
{
    /// <summary>True when the route has a call-in period.</summary>
    public bool HasCallIn => CallInClearWorkingDays > 0;
}

/// <summary>Reminder policy in working days.</summary>
/// <param name="Before">Working-day offsets before a partner's due date at which to remind, e.g. [10, 5, 2].</param>
/// <param name="OverdueEvery">While overdue (and while a counterpart is awaited), remind every N working days.</param>
public sealed record ReminderPolicy(IReadOnlyList<int> Before, int OverdueEvery)
{
    public static ReminderPolicy Default { get; } = new([10, 5, 2], 5);
}

/// <summary>How often chairs get a status digest.</summary>
public enum DigestFrequency
{
    None,
    Daily,
    Weekly,
}

/// <summary>The chairs' digest schedule.</summary>
/// <param name="Frequency">None, daily (working days) or weekly.</param>
/// <param name="Day">For weekly digests, the day of the week.</param>
public sealed record DigestSchedule(DigestFrequency Frequency, DayOfWeek Day)
{
    public static DigestSchedule Default { get; } = new(DigestFrequency.Weekly, DayOfWeek.Monday);
}

/// <summary>A partner's governance as the definition states it.</summary>
/// <param name="Route">The resolved route.</param>
/// <param name="Meeting">A known meeting or decision date, if any.</param>
/// <param name="Calendar">The partner's published committee calendar, when its meeting dates are to be read from there.</param>
public sealed record PartnerGovernance(GovernanceRoute Route, DateOnly? Meeting, MeetingCalendar? Calendar = null);

/// <summary>A council's published iCalendar feed of meetings, and the body whose meetings count.</summary>
/// <remarks>
/// Committee systems (ModernGov and the like) publish every committee's meetings in one feed; the
/// body names which of them decides for this partner, matched against each meeting's summary and
/// location, so "Full Council" finds "Meeting of Full Council, Council Chamber".
/// </remarks>
/// <param name="FeedUrl">The feed's address (https; http only where development allows it).</param>
/// <param name="Body">The deciding body as the feed names it, e.g. "Full Council".</param>
public sealed record MeetingCalendar(string FeedUrl, string Body);

/// <summary>One partner organisation in a round definition.</summary>
/// <param name="Name">The organisation, e.g. "Maldon District Council".</param>
/// <param name="Officer">The officer who acts for it.</param>
/// <param name="Governance">Its route and any known meeting.</param>
/// <param name="DueBy">Its own due date, if different from the round deadline.</param>
/// <param name="PartyId">The id it must keep (a party to the agreement a variation round varies); null: one is made from its name.</param>
public sealed record PartnerDefinition(string Name, Person Officer, PartnerGovernance Governance, DateOnly? DueBy, string? PartyId = null);

/// <summary>The agreement being signed.</summary>
public sealed record AgreementInfo(string Title, string Reference);

/// <summary>
/// A validated round definition, with every governance route resolved.
/// </summary>
/// <param name="Agreement">Title and reference.</param>
/// <param name="Deadline">The round deadline, a Europe/London calendar date.</param>
/// <param name="Calendar">Bank-holiday division: <c>england-and-wales</c>, <c>scotland</c> or <c>northern-ireland</c>.</param>
/// <param name="Reminders">Reminder policy.</param>
/// <param name="Digest">Chairs' digest schedule.</param>
/// <param name="Chairs">Chairs of the partnership board.</param>
/// <param name="Coordinator">The coordinator who runs the round.</param>
/// <param name="Partners">The partners, in the order given.</param>
/// <param name="CounterpartReview">Which counterparts wait for the coordinator's acceptance before they count.</param>
/// <param name="Reviews">How often the agreement is reviewed once in force (null: no review cycle).</param>
/// <param name="Notice">How long a party stays bound after giving notice to leave (null: <see cref="NoticePeriod.Default"/>).</param>
public sealed record RoundDefinition(
    AgreementInfo Agreement,
    DateOnly Deadline,
    string Calendar,
    ReminderPolicy Reminders,
    DigestSchedule Digest,
    IReadOnlyList<Person> Chairs,
    Person Coordinator,
    IReadOnlyList<PartnerDefinition> Partners,
    CounterpartReview CounterpartReview = CounterpartReview.None,
    ReviewCycle? Reviews = null,
    NoticePeriod? Notice = null);

/// <summary>Which counterparts wait for the coordinator's acceptance before they count.</summary>
/// <remarks>
/// By default a counterpart that passes SignOff's checks counts at once, and the coordinator may
/// still reject it until the agreement takes effect. A partnership that wants a person to look at
/// every signature SignOff could not verify (a scan, a photo, a Word file) asks for
/// <see cref="Unverified"/>: those wait, while counterparts made in SignOff or carrying a verified
/// digital signature still count at once.
/// </remarks>
public enum CounterpartReview
{
    /// <summary>Every counterpart that passes the checks counts at once.</summary>
    None,

    /// <summary>A counterpart whose signature SignOff did not verify waits for the coordinator's acceptance.</summary>
    Unverified,
}
