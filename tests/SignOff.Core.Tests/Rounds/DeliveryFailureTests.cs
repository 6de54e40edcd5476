using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;
using SignOff.Testing;

namespace SignOff.Core.Tests.Rounds;

/// <summary>An email or webhook given up after every retry is a fact in the round's audit log, and a stopped webhook subscription is told to the coordinator.</summary>
public sealed class DeliveryFailureTests
{
    private static readonly DeliveryFailure EmailFailure =
        new(DeliveryChannel.Email, "launch.0003", "invitation email", "sam@chelmsford.example", "Connection refused.");

    private static readonly DeliveryFailure WebhookFailure =
        new(DeliveryChannel.Webhook, "msg_2f1c", "round.started event", "https://dashboard.example/hook", "The receiver answered 410 Gone.", "wh_1 (Partnership dashboard)");

    private static RoundHarness OnePartner() => Started(
        new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Braintree District Council", Routes.FullCouncil).Build(),
        At(2021, 6, 1));

    [Fact]
    public void A_failed_email_is_recorded_and_told_on_the_timeline_but_not_emailed_about()
    {
        var round = OnePartner();
        var before = round.State;

        var reported = round.Apply(new ReportDeliveryFailure("failed:1", EmailFailure));

        var recorded = Assert.IsType<DeliveryFailed>(Assert.Single(reported.Events));
        Assert.Equal(EmailFailure, recorded.Failure);
        Assert.Empty(reported.Effects); // an email about failing email would fail the same way
        Assert.Equal(before.Partners, round.State.Partners);
        Assert.Equal(before.Status, round.State.Status);
        var line = RoundTimeline.Describe(recorded, _ => "")!.Value.Text;
        Assert.Equal("Email not delivered after every retry: the invitation email to sam@chelmsford.example. Connection refused.", line);
    }

    [Fact]
    public void A_stopped_webhook_subscription_is_told_to_the_coordinator_through_the_rounds_notifications()
    {
        var round = OnePartner();

        var reported = round.Apply(new ReportDeliveryFailure("failed:2", WebhookFailure));

        var notice = Assert.Single(reported.Effects.OfType<SendNotification>()).Notification;
        Assert.Equal(NotificationKind.WebhookStopped, notice.Kind);
        Assert.Equal(Coordinator.Email, Assert.Single(notice.To).Person.Email);
        Assert.Equal(WebhookFailure, notice.Failure);
        Assert.Contains("Webhook subscription wh_1 (Partnership dashboard) was disabled.", RoundTimeline.Describe(reported.Events[0], _ => "")!.Value.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_on_a_closed_round_is_still_recorded_and_reported_twice_is_recorded_once()
    {
        var round = OnePartner();
        round.Apply(new CancelRound("cancel-1", "Superseded.", Coordinator));

        round.Apply(new ReportDeliveryFailure("failed:3", EmailFailure));
        var again = round.Try(new ReportDeliveryFailure("failed:3", EmailFailure));

        Assert.IsType<RoundDecision.AlreadyApplied>(again);
        Assert.Single(round.Events.OfType<DeliveryFailed>());
        Assert.Equal(RoundStatus.Cancelled, round.State.Status);
    }

    [Fact]
    public void A_failure_without_its_details_is_refused()
    {
        var round = OnePartner();

        var refused = Assert.IsType<RoundDecision.Rejected>(round.Try(new ReportDeliveryFailure("failed:4", EmailFailure with { Reason = " " })));

        Assert.Equal(RejectionCode.MissingDetail, refused.Code);
        Assert.Empty(round.Events.OfType<DeliveryFailed>());
    }

    [Fact]
    public void A_failure_report_for_a_round_that_does_not_exist_is_refused()
    {
        var refused = new RoundProcess(Holidays).Decide(null, new ReportDeliveryFailure("failed:5", EmailFailure), At(2021, 6, 1));

        Assert.Equal(RejectionCode.RoundNotFound, Assert.IsType<RoundDecision.Rejected>(refused).Code);
    }
}
