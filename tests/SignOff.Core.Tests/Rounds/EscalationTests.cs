using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Testing;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Rounds;

/// <summary>
/// No floods: overdue partners reach the chairs and coordinator in one escalation per round per
/// day, and a decision reaches the coordinator in one email.
/// </summary>
public sealed class EscalationTests
{
    [Fact]
    public void Sixteen_partners_falling_overdue_together_make_one_escalation_per_recipient_listing_them_all()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partners(16).Build(), At(2021, 6, 1));

        round.AdvanceTo(At(2021, 8, 2, 12));

        var escalation = Assert.Single(round.Notifications(NotificationKind.OverdueEscalation));
        Assert.Equal(16, escalation.Overdue!.Count);
        Assert.Equal(round.State.Partners.Select(p => p.PartnerId).Order(), escalation.Overdue.Select(o => o.PartnerId).Order());
        Assert.Equal(escalation.To.Count, escalation.To.DistinctBy(r => r.Person.Email).Count());
        Assert.Equal(round.State.Coordinator, escalation.Coordinator);
        Assert.Contains(escalation.To, r => r.Role == RecipientRole.Coordinator);
        Assert.Contains(escalation.To, r => r.Role == RecipientRole.Chair);
        Assert.Equal(16, round.Events.OfType<PartnerEscalated>().Count(e => e.On == D("2021-08-02")));
        Assert.Equal(16, round.Webhooks(WebhookEventTypes.RoundOverdue).Count());
    }

    [Fact]
    public void A_partner_falling_overdue_after_the_day_s_escalation_waits_for_the_next_day_s()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council").Partner("Chelmsford City Council").Build(), At(2021, 6, 1));
        round.AdvanceTo(At(2021, 8, 2, 8));
        var maldon = round.Partner("Maldon District Council").PartnerId;
        var chelmsford = round.Partner("Chelmsford City Council").PartnerId;

        // The sweeper is behind: it reaches Maldon's overdue reminder, then the escalation, and only then Chelmsford's reminder.
        round.Clock.SetUtcNow(At(2021, 8, 2, 11));
        round.Apply(FireTimer.For(round.State.Timers.Single(t => t.PartnerId == maldon).TimerId));
        round.Apply(FireTimer.For(round.State.Timers.Single(t => t.Purpose == TimerPurpose.Escalation).TimerId));
        round.Apply(FireTimer.For(round.State.Timers.Single(t => t.PartnerId == chelmsford && t.Purpose == TimerPurpose.OverdueReminder).TimerId));

        var next = Assert.Single(round.State.Timers, t => t.Purpose == TimerPurpose.Escalation);
        Assert.Equal(D("2021-08-03"), next.On);
        round.AdvanceTo(At(2021, 8, 4));

        var escalations = round.Notifications(NotificationKind.OverdueEscalation).ToList();
        Assert.Equal(2, escalations.Count);
        Assert.Equal([maldon], escalations[0].Overdue!.Select(o => o.PartnerId));
        Assert.Equal([chelmsford], escalations[1].Overdue!.Select(o => o.PartnerId));
        Assert.Equal([D("2021-08-02"), D("2021-08-03")], round.Events.OfType<PartnerEscalated>().Select(e => e.On));
    }

    [Fact]
    public void A_partner_falling_overdue_after_a_friday_s_escalation_waits_for_monday_s_not_saturday_s()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-29")).Partner("Maldon District Council").Partner("Chelmsford City Council").Build(), At(2021, 6, 1));
        round.AdvanceTo(At(2021, 7, 30, 8));
        var maldon = round.Partner("Maldon District Council").PartnerId;
        var chelmsford = round.Partner("Chelmsford City Council").PartnerId;

        // Friday 30 July, the sweeper behind: Maldon's overdue reminder, the escalation, then Chelmsford's reminder.
        round.Clock.SetUtcNow(At(2021, 7, 30, 11));
        round.Apply(FireTimer.For(round.State.Timers.Single(t => t.PartnerId == maldon).TimerId));
        round.Apply(FireTimer.For(round.State.Timers.Single(t => t.Purpose == TimerPurpose.Escalation).TimerId));
        round.Apply(FireTimer.For(round.State.Timers.Single(t => t.PartnerId == chelmsford && t.Purpose == TimerPurpose.OverdueReminder).TimerId));

        Assert.Equal(D("2021-08-02"), Assert.Single(round.State.Timers, t => t.Purpose == TimerPurpose.Escalation).On);
    }

    [Fact]
    public void An_escalation_delivered_twice_sends_one_email()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partners(3).Build(), At(2021, 6, 1));
        round.AdvanceTo(At(2021, 8, 2, 9));
        var timer = Assert.Single(round.State.Timers, t => t.Purpose == TimerPurpose.Escalation);
        round.Clock.SetUtcNow(timer.DueAt);
        round.Apply(FireTimer.For(timer.TimerId));

        round.Try(FireTimer.For(timer.TimerId));
        var redelivered = round.Try(new FireTimer("another-delivery", timer.TimerId));

        Assert.IsNotType<RoundDecision.Accepted>(redelivered);
        Assert.Single(round.Notifications(NotificationKind.OverdueEscalation));
        Assert.Equal(3, round.Events.OfType<PartnerEscalated>().Count());
    }

    [Fact]
    public void A_partner_that_decides_before_the_escalation_is_not_reported()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council").Partner("Chelmsford City Council").Build(), At(2021, 6, 1));
        round.AdvanceTo(At(2021, 8, 2, 9));
        round.Decide("Maldon District Council", DecisionOutcome.Approved, on: D("2021-07-29"));

        round.AdvanceTo(At(2021, 8, 2, 12));

        var escalation = Assert.Single(round.Notifications(NotificationKind.OverdueEscalation));
        Assert.Equal(["Chelmsford City Council"], escalation.Overdue!.Select(o => o.Name));
    }

    [Theory]
    [InlineData(DecisionOutcome.Approved)]
    [InlineData(DecisionOutcome.ApprovedWithConditions)]
    [InlineData(DecisionOutcome.Declined)]
    public void A_decision_reaches_the_coordinator_in_one_email(DecisionOutcome outcome)
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council").Partner("Chelmsford City Council").Build(), At(2021, 6, 1));
        var before = round.Effects.Count;

        var decided = round.Decide("Maldon District Council", outcome, conditions: outcome == DecisionOutcome.ApprovedWithConditions ? "Annual review." : null,
            reason: outcome == DecisionOutcome.Declined ? "Not this year." : null);

        var toCoordinator = decided.Effects.OfType<SendNotification>().Where(n => n.Notification.To.Any(r => r.Role == RecipientRole.Coordinator));
        Assert.Single(toCoordinator);
        Assert.True(round.Effects.Count > before);
    }
}
