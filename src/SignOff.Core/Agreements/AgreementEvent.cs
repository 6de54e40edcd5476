using System.Collections.Immutable;
using System.Text.Json.Serialization;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;

namespace SignOff.Core.Agreements;

/// <summary>A fact recorded in an agreement's history.</summary>
/// <remarks>
/// The storage format, under the same rules as <see cref="RoundEvent"/>: a discriminator is never
/// renamed, a field is only ever added with a default. <see cref="TriggerId"/> and <see cref="At"/>
/// are stamped by <see cref="AgreementProcess"/>; replaying the events rebuilds the state and
/// sends nothing.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$event")]
[JsonDerivedType(typeof(AgreementTookEffect), "agreement-took-effect")]
[JsonDerivedType(typeof(AgreementVaried), "agreement-varied")]
[JsonDerivedType(typeof(PartyJoined), "party-joined")]
[JsonDerivedType(typeof(ReviewRecorded), "review-recorded")]
[JsonDerivedType(typeof(ReviewScheduled), "review-scheduled")]
[JsonDerivedType(typeof(ReviewReminderSent), "review-reminder-sent")]
[JsonDerivedType(typeof(ReviewFellDue), "review-fell-due")]
[JsonDerivedType(typeof(NoticeGiven), "notice-given")]
[JsonDerivedType(typeof(PartyExited), "party-exited")]
[JsonDerivedType(typeof(ContinuationRecorded), "continuation-recorded")]
[JsonDerivedType(typeof(AgreementTimerScheduled), "timer-scheduled")]
[JsonDerivedType(typeof(AgreementTimerCleared), "timer-cleared")]
[JsonDerivedType(typeof(AgreementDeliveryFailed), "delivery-failed")]
public abstract record AgreementEvent
{
    /// <summary>The trigger that caused this event.</summary>
    public string TriggerId { get; init; } = "";

    /// <summary>When it was recorded (UTC).</summary>
    public DateTimeOffset At { get; init; }
}

/// <summary>The agreement took effect: every partner of its first round signed. The register opens.</summary>
public sealed record AgreementTookEffect(string AgreementId, AgreementInfo Agreement, AgreementTerms Terms, Person Coordinator, ImmutableList<Person> Chairs,
    EffectiveVersion Version, ImmutableList<Party> Parties) : AgreementEvent;

/// <summary>A variation took effect: every party bound signed it, and its version is now in force.</summary>
public sealed record AgreementVaried(EffectiveVersion Version) : AgreementEvent;

/// <summary>An organisation acceded: its counterpart of the version in force binds it.</summary>
public sealed record PartyJoined(Party Party) : AgreementEvent;

/// <summary>The coordinator recorded a review's outcome.</summary>
public sealed record ReviewRecorded(DateOnly NominalOn, DateOnly ReviewedOn, ReviewOutcome Outcome, string? Note, Actor By) : AgreementEvent;

/// <summary>The next review is scheduled (null: the cycle has no more dates).</summary>
public sealed record ReviewScheduled(ScheduledReview? Review) : AgreementEvent;

/// <summary>The coordinator and the parties were reminded that a review is coming.</summary>
public sealed record ReviewReminderSent(DateOnly DueOn, int WorkingDaysLeft) : AgreementEvent;

/// <summary>A review fell due: the coordinator is asked to record its outcome.</summary>
public sealed record ReviewFellDue(DateOnly DueOn) : AgreementEvent;

/// <summary>A party gave notice to leave; it stays bound until <paramref name="EndsOn"/>.</summary>
public sealed record NoticeGiven(string PartyId, DateOnly GivenOn, DateOnly EndsOn, string? Reason, Actor By) : AgreementEvent;

/// <summary>A party's notice ran out: it is no longer bound. The agreement continues for the others.</summary>
public sealed record PartyExited(string PartyId, DateOnly ExitedOn) : AgreementEvent;

/// <summary>The coordinator recorded the partnership's view on carrying on after parties left.</summary>
public sealed record ContinuationRecorded(ImmutableList<string> PartyIds, string View, Actor By) : AgreementEvent;

/// <summary>A timer was scheduled.</summary>
public sealed record AgreementTimerScheduled(AgreementTimer Timer) : AgreementEvent;

/// <summary>A timer fired or was replaced.</summary>
public sealed record AgreementTimerCleared(string TimerId) : AgreementEvent;

/// <summary>An email or webhook of the agreement was given up after every retry.</summary>
public sealed record AgreementDeliveryFailed(DeliveryFailure Failure) : AgreementEvent;
