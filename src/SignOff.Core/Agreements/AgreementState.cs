using System.Collections.Immutable;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;

namespace SignOff.Core.Agreements;

/// <summary>Where an agreement stands in the register.</summary>
public enum AgreementStatus
{
    /// <summary>In force: at least one party is bound.</summary>
    InForce,

    /// <summary>Every party has left: nothing binds anyone any more.</summary>
    Ended,
}

/// <summary>Where a party stands.</summary>
public enum PartyStatus
{
    /// <summary>Bound by the agreement's effective version.</summary>
    Bound,

    /// <summary>Has given notice: still bound until the notice ends.</summary>
    OnNotice,

    /// <summary>Its notice has ended: no longer bound.</summary>
    Exited,
}

/// <summary>A party's notice to leave.</summary>
/// <param name="GivenOn">The day notice was given.</param>
/// <param name="EndsOn">The last day the party is bound.</param>
/// <param name="Reason">Why, when the party said.</param>
public sealed record PartyNotice(DateOnly GivenOn, DateOnly EndsOn, string? Reason);

/// <summary>An organisation bound by the agreement, or once bound.</summary>
/// <param name="PartyId">Stable id (the partner's id in the round it signed).</param>
/// <param name="Name">The organisation.</param>
/// <param name="Officer">Who the register writes to for it.</param>
/// <param name="JoinedOn">The day it became bound.</param>
/// <param name="JoinedBy">The round whose counterpart bound it.</param>
public sealed record Party(string PartyId, string Name, Person Officer, DateOnly JoinedOn, string JoinedBy)
{
    /// <summary>Where it stands.</summary>
    public PartyStatus Status { get; init; } = PartyStatus.Bound;

    /// <summary>Its notice, once given.</summary>
    public PartyNotice? Notice { get; init; }

    /// <summary>The first day it was no longer bound.</summary>
    public DateOnly? ExitedOn { get; init; }

    /// <summary>True while it is bound (including while on notice).</summary>
    public bool IsBound => Status != PartyStatus.Exited;
}

/// <summary>A version of the agreement that took effect.</summary>
/// <param name="Number">1 for the original, then each variation.</param>
/// <param name="RoundId">The round that circulated and executed it.</param>
/// <param name="Document">The executed draft.</param>
/// <param name="EffectiveOn">The day it took effect.</param>
public sealed record EffectiveVersion(int Number, string RoundId, DocumentRef Document, DateOnly EffectiveOn);

/// <summary>A review the register is waiting for.</summary>
/// <param name="NominalOn">The date the cycle names.</param>
/// <param name="DueOn">That date, or the next working day when it is not one.</param>
public sealed record ScheduledReview(DateOnly NominalOn, DateOnly DueOn);

/// <summary>What a review concluded.</summary>
public enum ReviewOutcome
{
    /// <summary>The agreement carries on as it is.</summary>
    NoChange,

    /// <summary>The partnership wants a variation: the coordinator launches one.</summary>
    VariationNeeded,
}

/// <summary>What an agreement's timer is for.</summary>
public enum AgreementTimerPurpose
{
    /// <summary>A review is coming: the coordinator and the parties are reminded.</summary>
    ReviewReminder,

    /// <summary>A review is due: the coordinator is asked to record its outcome.</summary>
    ReviewDue,

    /// <summary>A party's notice has run: it leaves.</summary>
    NoticeEnds,
}

/// <summary>An email or webhook of the agreement given up after every retry, and when that was recorded.</summary>
/// <param name="At">When the register recorded it (UTC).</param>
/// <param name="Failure">What could not be delivered, where it was going, and why.</param>
public sealed record RecordedDeliveryFailure(DateTimeOffset At, DeliveryFailure Failure);

/// <summary>A timer the agreement waits for; ids derive from purpose, party and date, so a schedule always yields the same ids.</summary>
public sealed record AgreementTimer(string TimerId, AgreementTimerPurpose Purpose, string? PartyId, DateOnly On, DateTimeOffset DueAt);

/// <summary>
/// The register's snapshot of one agreement: a left fold of its events (<see cref="AgreementEvolver"/>).
/// </summary>
/// <remarks>
/// An agreement outlives its rounds: the round that made it, the variations that changed it and
/// the accessions that joined parties to it are each a round of their own, and each reports here
/// only the fact the register keeps — which version took effect, who became bound. Months-long
/// waits (the next review, a notice running out) are timers in this snapshot, not orchestrations.
/// </remarks>
public sealed record AgreementState
{
    /// <summary>The agreement's id (also its entity key): the id of the round that made it.</summary>
    public required string AgreementId { get; init; }

    /// <summary>Title and reference.</summary>
    public required AgreementInfo Agreement { get; init; }

    /// <summary>Reviews, notice and the calendar.</summary>
    public required AgreementTerms Terms { get; init; }

    /// <summary>Who keeps the register for the partnership.</summary>
    public required Person Coordinator { get; init; }

    /// <summary>Who is told when parties leave.</summary>
    public required ImmutableList<Person> Chairs { get; init; }

    /// <summary>Every version that took effect, oldest first; the last is in force.</summary>
    public required ImmutableList<EffectiveVersion> Versions { get; init; }

    /// <summary>Every party ever bound, including those that left.</summary>
    public required ImmutableList<Party> Parties { get; init; }

    /// <summary>Where it stands.</summary>
    public AgreementStatus Status { get; init; } = AgreementStatus.InForce;

    /// <summary>The next review, while the cycle has one.</summary>
    public ScheduledReview? NextReview { get; init; }

    /// <summary>The last day the coordinator and parties were reminded of <see cref="NextReview"/>.</summary>
    public DateOnly? ReviewReminderSentOn { get; init; }

    /// <summary>The day <see cref="NextReview"/> fell due with no outcome recorded yet.</summary>
    public DateOnly? ReviewDueSince { get; init; }

    /// <summary>The last review's outcome, once one is recorded.</summary>
    public ReviewOutcome? LastReviewOutcome { get; init; }

    /// <summary>The last review found a variation is needed, and none has taken effect since.</summary>
    public bool VariationAwaited { get; init; }

    /// <summary>Parties that left and whose leaving the partnership has not yet considered (the coordinator records its view on carrying on).</summary>
    public ImmutableList<string> ContinuationViewsDue { get; init; } = [];

    /// <summary>Emails and webhooks of the agreement given up after every retry, oldest first: the coordinator sees them with the agreement.</summary>
    public ImmutableList<RecordedDeliveryFailure> DeliveryFailures { get; init; } = [];

    /// <summary>The timers the agreement is waiting for.</summary>
    public ImmutableList<AgreementTimer> Timers { get; init; } = [];

    /// <summary>The ids of every trigger applied, so a trigger delivered twice changes nothing.</summary>
    public ImmutableSortedSet<string> ProcessedTriggers { get; init; } = [];

    /// <summary>The version in force.</summary>
    public EffectiveVersion Current => Versions[^1];

    /// <summary>The parties bound now, including those on notice.</summary>
    public IEnumerable<Party> BoundParties => Parties.Where(p => p.IsBound);

    /// <summary>A party by id.</summary>
    public Party? FindParty(string partyId) => Parties.FirstOrDefault(p => p.PartyId == partyId);
}
