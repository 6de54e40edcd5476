using System.Text.Json;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using static SignOff.Core.Tests.Agreements.AgreementHarness;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Agreements;

/// <summary>
/// An email or webhook of the agreement given up after every retry is a fact in the agreement's
/// own history, where the coordinator looks, and a stopped webhook subscription is told to the
/// coordinator — as a round does for its own.
/// </summary>
public sealed class AgreementDeliveryFailureTests
{
    private static readonly DeliveryFailure EmailFailure =
        new(DeliveryChannel.Email, "notice-1.0000", "notice given email", "chelmsford-city-council@party.example", "Connection refused.");

    private static readonly DeliveryFailure WebhookFailure =
        new(DeliveryChannel.Webhook, "msg_2f1c", "party.notice_given event", "https://dashboard.example/hook", "The receiver answered 410 Gone.", "wh_1 (Partnership dashboard)");

    private static AgreementHarness TwoParties() => Opened(At(2022, 1, 10), Terms(), "Maldon District Council", "Chelmsford City Council");

    [Fact]
    public void A_failed_email_is_recorded_on_the_agreement_and_not_emailed_about()
    {
        var register = TwoParties();
        var before = register.State;
        register.Clock.SetUtcNow(At(2022, 1, 11, 9));

        var recorded = register.Apply(new RecordAgreementDeliveryFailure("failed:1", EmailFailure));

        Assert.Equal(EmailFailure, Assert.IsType<AgreementDeliveryFailed>(Assert.Single(recorded.Events)).Failure);
        Assert.Empty(recorded.Effects); // an email about failing email would fail the same way
        Assert.Equal(new RecordedDeliveryFailure(At(2022, 1, 11, 9), EmailFailure), Assert.Single(register.State.DeliveryFailures));
        Assert.Equal(before.Parties, register.State.Parties);
        Assert.Equal(before.Versions, register.State.Versions);
        Assert.Equal(before.Timers, register.State.Timers);
    }

    [Fact]
    public void A_stopped_webhook_subscription_is_told_to_the_coordinator_through_the_registers_emails()
    {
        var register = TwoParties();

        var recorded = register.Apply(new RecordAgreementDeliveryFailure("failed:2", WebhookFailure));

        var notice = Assert.Single(recorded.Effects.OfType<SendAgreementNotice>()).Notice;
        Assert.Equal(AgreementNoticeKind.WebhookStopped, notice.Kind);
        Assert.Equal((RecipientRole.Coordinator, Coordinator.Email), (Assert.Single(notice.To).Role, notice.To[0].Person.Email));
        Assert.Equal(WebhookFailure, notice.Failure);
        Assert.Equal("mea-mou", notice.AgreementId);
        Assert.Empty(recorded.Effects.OfType<PublishAgreementWebhook>());
    }

    [Fact]
    public void A_failure_reported_twice_is_recorded_once()
    {
        var register = TwoParties();

        register.Apply(new RecordAgreementDeliveryFailure("failed:3", WebhookFailure));
        var again = register.Try(new RecordAgreementDeliveryFailure("failed:3", WebhookFailure));

        Assert.IsType<AgreementDecision.AlreadyApplied>(again);
        Assert.Single(register.Events.OfType<AgreementDeliveryFailed>());
        Assert.Single(register.State.DeliveryFailures);
        Assert.Single(register.Notices(AgreementNoticeKind.WebhookStopped));
    }

    [Fact]
    public void A_failure_of_the_emails_telling_that_the_last_party_left_is_recorded_on_the_ended_agreement()
    {
        var register = Opened(At(2022, 1, 10), Terms(), "Maldon District Council");
        register.Apply(new GiveNotice("notice-1", Id("Maldon District Council"), D("2022-01-10"), null, Coordinator));
        register.AdvanceTo(At(2022, 3, 1));
        Assert.Equal(AgreementStatus.Ended, register.State.Status);

        register.Apply(new RecordAgreementDeliveryFailure("failed:4", EmailFailure with { What = "party exited email" }));

        Assert.Equal("party exited email", Assert.Single(register.State.DeliveryFailures).Failure.What);
    }

    [Fact]
    public void A_failure_without_its_details_is_refused_and_one_for_an_agreement_not_in_the_register_too()
    {
        var register = TwoParties();

        var refused = Assert.IsType<AgreementDecision.Rejected>(register.Try(new RecordAgreementDeliveryFailure("failed:5", EmailFailure with { Reason = " " })));

        Assert.Equal(AgreementRejectionCode.MissingDetail, refused.Code);
        Assert.Empty(register.State.DeliveryFailures);
        var nowhere = new AgreementProcess(Holidays).Decide(null, new RecordAgreementDeliveryFailure("failed:6", EmailFailure), At(2022, 1, 10));
        Assert.Equal(AgreementRejectionCode.AgreementNotFound, Assert.IsType<AgreementDecision.Rejected>(nowhere).Code);
    }

    [Fact]
    public void The_recorded_failure_survives_storage_and_replay()
    {
        var register = TwoParties();
        register.Apply(new RecordAgreementDeliveryFailure("failed:7", WebhookFailure));

        var stored = JsonSerializer.Serialize<AgreementEvent>(register.Events[^1], RoundJson.Options);
        var events = JsonSerializer.Deserialize<List<AgreementEvent>>(JsonSerializer.Serialize(register.Events, RoundJson.Options), RoundJson.Options)!;
        var replayed = events.Aggregate((AgreementState?)null, AgreementEvolver.Evolve)!;
        var trigger = JsonSerializer.Deserialize<AgreementTrigger>(JsonSerializer.Serialize<AgreementTrigger>(new RecordAgreementDeliveryFailure("failed:7", WebhookFailure), RoundJson.Options), RoundJson.Options);

        Assert.Contains("\"$event\":\"delivery-failed\"", stored, StringComparison.Ordinal);
        Assert.Equal(register.State.DeliveryFailures, replayed.DeliveryFailures);
        Assert.Equal(WebhookFailure, Assert.IsType<RecordAgreementDeliveryFailure>(trigger).Failure);
    }
}
