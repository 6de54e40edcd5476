using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;
using SignOff.Testing;

namespace SignOff.Core.Tests.Rounds;

/// <summary>The coordinator's review of counterparts: the round's policy, acceptance and rejection.</summary>
public sealed class CounterpartReviewTests
{
    private static readonly SignatureCheck Photo = new(SignatureKind.Photo, null, "A photo (JPEG) of a signed page.");
    private static readonly SignatureCheck Verified = new(SignatureKind.DigitallySigned, "CN=Jo Signatory", "Digitally signed by CN=Jo Signatory.");

    private static RoundHarness TwoAuthorised(CounterpartReview review)
    {
        var round = Started(
            new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council", Routes.FullCouncil)
                .Partner("Braintree District Council", Routes.FullCouncil).Build() with { CounterpartReview = review },
            At(2021, 6, 1));
        round.Decide("Maldon District Council", DecisionOutcome.Approved);
        round.Decide("Braintree District Council", DecisionOutcome.Approved);
        return round;
    }

    private static RoundDecision.Accepted Sign(RoundHarness round, string partner, SignatureCheck check) =>
        round.Apply(round.CounterpartFor(round.Partner(partner)) with { Check = check });

    [Fact]
    public void By_default_a_photo_counts_at_once_and_the_agreement_takes_effect()
    {
        var round = TwoAuthorised(CounterpartReview.None);
        Sign(round, "Maldon District Council", Photo);
        Sign(round, "Braintree District Council", Photo);

        Assert.Equal(RoundStatus.Effective, round.State.Status);
        Assert.Empty(round.Notifications(NotificationKind.CounterpartAwaitingReview));
        Assert.Equal(SignatureKind.Photo, round.Partner("Maldon District Council").Counterpart!.Check!.Kind);
    }

    [Fact]
    public void Under_review_an_unverified_counterpart_waits_for_the_coordinator_and_a_verified_one_counts()
    {
        var round = TwoAuthorised(CounterpartReview.Unverified);
        var held = Sign(round, "Maldon District Council", Photo);
        Sign(round, "Braintree District Council", Verified);

        Assert.Contains(held.Events, e => e is CounterpartHeldForReview);
        Assert.Equal(PartnerStatus.CounterpartInReview, round.Partner("Maldon District Council").Status);
        Assert.Equal(PartnerStatus.Signed, round.Partner("Braintree District Council").Status);
        Assert.Equal(RoundStatus.Circulating, round.State.Status);
        var told = Assert.Single(round.Notifications(NotificationKind.CounterpartAwaitingReview));
        Assert.Equal(RecipientRole.Coordinator, Assert.Single(told.To).Role);
        Assert.Equal("A photo (JPEG) of a signed page.", told.Note);
        Assert.Equal("photo", Assert.Single(round.Webhooks(WebhookEventTypes.PartnerCounterpartHeldForReview)).Data["signature"]);

        round.AdvanceTo(At(2021, 6, 3));
        round.Apply(new AcceptCounterpart("accept", round.Partner("Maldon District Council").PartnerId, "Wet-ink signature checked against the register", Coordinator));

        Assert.Equal(RoundStatus.Effective, round.State.Status);
        Assert.Equal(D("2021-06-01"), round.State.EffectiveOn); // the day the last counterpart arrived, not the day it was accepted
        Assert.Single(round.Webhooks(WebhookEventTypes.PartnerCounterpartAccepted));
    }

    [Fact]
    public void A_rejected_counterpart_sends_the_partner_back_to_sign_with_the_reason()
    {
        var round = TwoAuthorised(CounterpartReview.None);
        Sign(round, "Maldon District Council", Photo);
        var maldon = round.Partner("Maldon District Council");
        var sha = maldon.Counterpart!.Document.Sha256;

        round.Apply(new RejectCounterpart("reject", maldon.PartnerId, "The signature page is missing", Coordinator));

        maldon = round.Partner("Maldon District Council");
        Assert.Equal(PartnerStatus.Authorised, maldon.Status);
        Assert.Null(maldon.Counterpart);
        var asked = Assert.Single(round.Notifications(NotificationKind.CounterpartReturned));
        Assert.Equal("The signature page is missing", asked.Reason);
        Assert.Equal(maldon.PartnerId, asked.ResponseLinkFor);
        var hook = Assert.Single(round.Webhooks(WebhookEventTypes.PartnerCounterpartRejected));
        Assert.Equal(sha, hook.Data["sha256"]);
        Assert.Contains(round.State.Timers, t => t.PartnerId == maldon.PartnerId && t.Purpose == TimerPurpose.CounterpartChase);

        Sign(round, "Maldon District Council", Verified);
        Sign(round, "Braintree District Council", Verified);
        Assert.Equal(RoundStatus.Effective, round.State.Status);
    }

    [Fact]
    public void Review_needs_a_counterpart_to_review_a_reason_to_reject_and_an_open_round()
    {
        var round = TwoAuthorised(CounterpartReview.Unverified);
        var maldon = round.Partner("Maldon District Council").PartnerId;

        var nothing = Assert.IsType<RoundDecision.Rejected>(round.Try(new AcceptCounterpart("a1", maldon, null, Coordinator)));
        Assert.Equal(RejectionCode.NoCounterpartInReview, nothing.Code);
        Assert.Equal("Maldon District Council is authorised; there is no counterpart waiting for review.", nothing.Message);

        Sign(round, "Maldon District Council", Photo);
        Assert.Equal(RejectionCode.MissingDetail, Assert.IsType<RoundDecision.Rejected>(round.Try(new RejectCounterpart("r1", maldon, "  ", Coordinator))).Code);

        round.Apply(new AcceptCounterpart("a2", maldon, null, Coordinator));
        Sign(round, "Braintree District Council", Verified);
        Assert.Equal(RoundStatus.Effective, round.State.Status);
        Assert.Equal(RejectionCode.RoundEffective, Assert.IsType<RoundDecision.Rejected>(round.Try(new RejectCounterpart("r2", maldon, "Too late", Coordinator))).Code);
    }

    [Fact]
    public void A_minor_revision_sends_a_counterpart_in_review_back_to_sign_the_new_version()
    {
        var round = TwoAuthorised(CounterpartReview.Unverified);
        Sign(round, "Maldon District Council", Photo);
        round.Apply(new ReviseDraft("revise", Document("v2"), RevisionKind.Minor, "Typo", Coordinator));

        Assert.Equal(PartnerStatus.Authorised, round.Partner("Maldon District Council").Status);
        Assert.Null(round.Partner("Maldon District Council").Counterpart);
    }
}
