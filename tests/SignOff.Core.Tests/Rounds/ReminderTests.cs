using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;
using SignOff.Testing;

namespace SignOff.Core.Tests.Rounds;

public sealed class ReminderTests
{
    [Fact]
    public void Reminders_fall_10_5_and_2_working_days_before_the_due_date_then_every_5_working_days_while_overdue()
    {
        // Due Friday 30 July 2021; Monday 30 August is the summer bank holiday.
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council").Build(), At(2021, 6, 1));

        round.AdvanceTo(At(2021, 9, 10, 12));

        var sent = round.Events.OfType<ReminderSent>().Select(r => (r.On, r.Overdue)).ToList();
        Assert.Equal(
        [
            (D("2021-07-16"), false), (D("2021-07-23"), false), (D("2021-07-28"), false),
            (D("2021-08-02"), true), (D("2021-08-09"), true), (D("2021-08-16"), true), (D("2021-08-23"), true),
            (D("2021-08-31"), true), (D("2021-09-07"), true),
        ], sent);
        var reminders = round.Notifications(NotificationKind.Reminder).ToList();
        Assert.Equal([10, 5, 2], reminders.Select(n => n.WorkingDaysLeft!.Value));
    }

    [Fact]
    public void Chairs_hear_once_when_a_partner_becomes_overdue()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council").Build(), At(2021, 6, 1));

        round.AdvanceTo(At(2021, 8, 20));

        var escalation = Assert.Single(round.Notifications(NotificationKind.OverdueEscalation));
        Assert.Contains(escalation.To, r => r.Role == RecipientRole.Chair);
        Assert.Single(round.Webhooks(WebhookEventTypes.RoundOverdue));
        Assert.Single(round.Events.OfType<PartnerEscalated>(), e => e.On == D("2021-08-02"));
    }

    [Fact]
    public void A_reminder_after_the_partner_s_meeting_asks_what_was_decided()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council", meeting: D("2021-07-20")).Build(), At(2021, 6, 1));

        round.AdvanceTo(At(2021, 7, 29));

        Assert.Equal([false, true, true], round.Notifications(NotificationKind.Reminder).Select(n => n.MeetingPassed));
    }

    [Fact]
    public void No_reminder_follows_a_decision()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council", Routes.Cabinet).Partner("Chelmsford City Council").Build(), At(2021, 6, 1));
        round.AdvanceTo(At(2021, 7, 20));
        round.Decide("Maldon District Council", DecisionOutcome.Declined, reason: "Not this year.");
        var maldon = round.Partner("Maldon District Council").PartnerId;

        round.AdvanceTo(At(2021, 9, 1));

        Assert.DoesNotContain(round.State.Timers, t => t.PartnerId == maldon);
        Assert.All(round.Events.OfType<ReminderSent>().Where(r => r.PartnerId == maldon), r => Assert.True(r.On <= D("2021-07-20")));
    }

    [Fact]
    public void Reminders_before_launch_are_skipped()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council").Build(), At(2021, 7, 26));

        var first = Assert.Single(round.State.Timers, t => t.Purpose == TimerPurpose.Reminder);

        Assert.Equal(D("2021-07-28"), first.On);
    }

    [Fact]
    public void A_partner_s_own_due_date_governs_its_reminders()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30"))
            .Partner("Essex County Council", Routes.CabinetMember, dueBy: D("2021-07-23")).Build(), At(2021, 6, 1));

        var p = round.Partner("Essex County Council");

        Assert.Equal(D("2021-07-23"), p.DueOn);
        Assert.Equal(D("2021-07-09"), Assert.Single(round.State.Timers, t => t.PartnerId == p.PartnerId).On);
    }

    [Fact]
    public void Reminders_go_out_at_nine_in_the_morning_London_time_in_summer_and_winter()
    {
        var summer = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("A").Build(), At(2021, 6, 1));
        var winter = Started(new RoundDefinitionBuilder().Deadline(D("2021-12-17")).Partner("A").Build(), At(2021, 11, 1));

        Assert.Equal(8, summer.State.Timers.First(t => t.Purpose == TimerPurpose.Reminder).DueAt.UtcDateTime.Hour);
        Assert.Equal(9, winter.State.Timers.First(t => t.Purpose == TimerPurpose.Reminder).DueAt.UtcDateTime.Hour);
    }

    [Fact]
    public void Counterparts_are_chased_every_5_working_days_after_authorisation_until_signed()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council").Partner("Other").Build(), At(2021, 6, 1));
        round.Decide("Maldon District Council", DecisionOutcome.Approved);

        round.AdvanceTo(At(2021, 6, 16));
        Assert.Equal([D("2021-06-08"), D("2021-06-15")], round.Events.OfType<CounterpartChased>().Select(c => c.On));

        round.Sign("Maldon District Council");
        Assert.DoesNotContain(round.State.Timers, t => t.Purpose == TimerPurpose.CounterpartChase);
    }

    [Fact]
    public void No_digest_without_chairs_or_when_switched_off()
    {
        var noChairs = Started(new RoundDefinitionBuilder().NoChairs().Partner("A").Build(), At(2021, 6, 1));
        var off = Started(new RoundDefinitionBuilder().Digest(new DigestSchedule(DigestFrequency.None, DayOfWeek.Monday)).Partner("A").Build(), At(2021, 6, 1));
        var daily = Started(new RoundDefinitionBuilder().Digest(new DigestSchedule(DigestFrequency.Daily, DayOfWeek.Monday)).Partner("A").Build(), At(2021, 6, 4));

        Assert.DoesNotContain(noChairs.State.Timers, t => t.Purpose == TimerPurpose.Digest);
        Assert.DoesNotContain(off.State.Timers, t => t.Purpose == TimerPurpose.Digest);
        Assert.Equal(D("2021-06-07"), Assert.Single(daily.State.Timers, t => t.Purpose == TimerPurpose.Digest).On);
    }

    [Fact]
    public void A_due_timer_not_yet_fired_survives_another_trigger_and_still_fires()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council").Partner("Chelmsford City Council").Build(), At(2021, 6, 1));

        // The sweeper is late: both partners' 16 July reminders are due, and Chelmsford's fires first.
        round.Clock.SetUtcNow(At(2021, 7, 16, 11));
        var chelmsford = round.State.Timers.Single(t => t.PartnerId == round.Partner("Chelmsford City Council").PartnerId);
        round.Apply(FireTimer.For(chelmsford.TimerId));

        var maldon = Assert.Single(round.State.Timers, t => t.PartnerId == round.Partner("Maldon District Council").PartnerId);
        Assert.Equal(D("2021-07-16"), maldon.On);
        round.Apply(FireTimer.For(maldon.TimerId));
        Assert.Equal(2, round.Events.OfType<ReminderSent>().Count(r => r.On == D("2021-07-16")));
    }
}
