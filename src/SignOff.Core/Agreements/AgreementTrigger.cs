using System.Collections.Immutable;
using System.Text.Json.Serialization;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;

namespace SignOff.Core.Agreements;

/// <summary>Something asking the register to change an agreement. Its id makes a second delivery change nothing.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$trigger")]
[JsonDerivedType(typeof(OpenAgreement), "open-agreement")]
[JsonDerivedType(typeof(ApplyVariation), "apply-variation")]
[JsonDerivedType(typeof(AdmitParty), "admit-party")]
[JsonDerivedType(typeof(RecordReview), "record-review")]
[JsonDerivedType(typeof(GiveNotice), "give-notice")]
[JsonDerivedType(typeof(RecordContinuation), "record-continuation")]
[JsonDerivedType(typeof(FireAgreementTimer), "fire-timer")]
[JsonDerivedType(typeof(RecordAgreementDeliveryFailure), "record-delivery-failure")]
public abstract record AgreementTrigger(string TriggerId);

/// <summary>A signatory of a round's counterpart: who signed for which partner, on which version.</summary>
/// <param name="PartyId">The partner's id in the round.</param>
/// <param name="Name">The organisation.</param>
/// <param name="Officer">Its officer, who the register writes to.</param>
/// <param name="SignedVersion">The version its counterpart executes.</param>
public sealed record Signatory(string PartyId, string Name, Person Officer, int SignedVersion);

/// <summary>The round that made the agreement took effect: open its register.</summary>
/// <remarks>Raised by the host when a round with no agreement becomes effective; the agreement's id is the round's.</remarks>
public sealed record OpenAgreement(string TriggerId, string AgreementId, AgreementInfo Agreement, AgreementTerms Terms, Person Coordinator,
    ImmutableList<Person> Chairs, DocumentRef Document, DateOnly EffectiveOn, ImmutableList<Signatory> Signatories) : AgreementTrigger(TriggerId);

/// <summary>A variation round took effect: its version replaces the one in force, if every party bound signed it.</summary>
public sealed record ApplyVariation(string TriggerId, string RoundId, DocumentRef Document, DateOnly EffectiveOn, ImmutableList<Signatory> Signatories)
    : AgreementTrigger(TriggerId);

/// <summary>An accession round took effect: its organisation joins, if it signed the version in force.</summary>
/// <param name="TriggerId">Makes a second delivery change nothing.</param>
/// <param name="RoundId">The accession round.</param>
/// <param name="Joiner">The organisation, as its round knew it.</param>
/// <param name="SignedVersionOf">The agreement version its counterpart executes.</param>
/// <param name="JoinedOn">The day its counterpart took effect.</param>
public sealed record AdmitParty(string TriggerId, string RoundId, Signatory Joiner, int SignedVersionOf, DateOnly JoinedOn) : AgreementTrigger(TriggerId);

/// <summary>The coordinator records a review's outcome; the next review is scheduled.</summary>
public sealed record RecordReview(string TriggerId, DateOnly ReviewedOn, ReviewOutcome Outcome, string? Note, Actor By) : AgreementTrigger(TriggerId);

/// <summary>A party gives notice to leave, on a date, with a reason.</summary>
public sealed record GiveNotice(string TriggerId, string PartyId, DateOnly GivenOn, string? Reason, Actor By) : AgreementTrigger(TriggerId);

/// <summary>The coordinator records the partnership's view on carrying on after parties left.</summary>
public sealed record RecordContinuation(string TriggerId, string View, Actor By) : AgreementTrigger(TriggerId);

/// <summary>A pending timer is due.</summary>
public sealed record FireAgreementTimer(string TriggerId, string TimerId) : AgreementTrigger(TriggerId)
{
    /// <summary>The conventional trigger for a timer: firing it twice is the same trigger.</summary>
    public static FireAgreementTimer For(string timerId) => new($"timer:{timerId}", timerId);
}

/// <summary>
/// SignOff itself reports that an email or a webhook of the agreement could not be delivered
/// after every retry, so the failure is in the agreement's own history — not in the round that
/// made it, which the coordinator no longer looks at once the agreement is in the register.
/// </summary>
/// <remarks>
/// Accepted on an agreement that has ended too: the emails telling the last parties it ended can
/// fail like any other. Raised with an id derived from what failed, so a failure reported twice
/// is recorded once.
/// </remarks>
/// <param name="TriggerId">Derived from the effect or the delivery that failed.</param>
/// <param name="Failure">What could not be delivered, where it was going, and why.</param>
public sealed record RecordAgreementDeliveryFailure(string TriggerId, DeliveryFailure Failure) : AgreementTrigger(TriggerId);
