using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using SignOff.Testing;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Rounds;

/// <summary>
/// Decisions after they are recorded: a call-in exercised (upheld or referred back), a correction
/// with its trail, and the dates a late timer records (the domain's, not the machine's).
/// </summary>
public sealed class DecisionTrailTests
{
    private const string Southend = "Southend-on-Sea City Council";
    private const string Trust = "Mid and South Essex NHS Foundation Trust";

    /// <summary>Southend decides by Cabinet (five clear working days of call-in); the trust by its board (none).</summary>
    private static RoundHarness Round(DateTimeOffset at) => Started(
        new RoundDefinitionBuilder()
            .Deadline(D("2026-08-28"))
            .Partner(Southend, Routes.Cabinet)
            .Partner(Trust, Routes.NhsTrustBoard)
            .Build(),
        at);

    /// <summary>The round on the evening of Tuesday 14 July 2026, when a partner's decision that day has been recorded.</summary>
    private static RoundHarness DecidedOn14July(string partner, DecisionOutcome outcome, string? reason = null)
    {
        var round = Round(At(2026, 7, 1));
        round.AdvanceTo(At(2026, 7, 14, 18));
        round.Decide(partner, outcome, reason: reason);
        return round;
    }

    private static ReminderSchedule ScheduleOf(RoundState s) => new(Holidays.CalendarFor(s.Calendar), s.Reminders);

    [Fact]
    public void A_call_in_that_ended_while_SignOff_was_behind_authorises_on_the_day_it_was_over_not_the_day_the_timer_fired()
    {
        // Cabinet on Tuesday 14 July 2026: the call-in's last day is Tuesday 21 July; the decision
        // may be implemented from Wednesday 22 July. SignOff's clock then jumps from 17 to 23 July.
        var round = DecidedOn14July(Southend, DecisionOutcome.Approved);
        Assert.Equal(D("2026-07-21"), round.Partner(Southend).CallInEndsOn);
        round.AdvanceTo(At(2026, 7, 17));
        round.Clock.SetUtcNow(At(2026, 7, 23, 11)); // behind: nothing fired between

        round.AdvanceTo(At(2026, 7, 23, 11));

        var southend = round.Partner(Southend);
        Assert.Equal(PartnerStatus.Authorised, southend.Status);
        Assert.Equal(D("2026-07-22"), southend.AuthorisedOn);
        Assert.Equal(D("2026-07-22"), round.Events.OfType<PartnerAuthorised>().Single().On);
        Assert.Equal("2026-07-22", Assert.Single(round.Webhooks(WebhookEventTypes.PartnerAuthorised)).Data["authorisedOn"]);
        // The counterpart chases count from the domain's date too.
        var chase = Assert.Single(round.State.Timers, t => t.Purpose == TimerPurpose.CounterpartChase);
        Assert.Equal(ScheduleOf(round.State).NextCounterpartChase(D("2026-07-22"), null, round.Now), chase.On);
    }

    [Fact]
    public void A_decision_entered_after_its_call_in_expired_is_authorised_from_the_day_after_the_call_in_ended()
    {
        var round = Round(At(2026, 7, 1));
        round.AdvanceTo(At(2026, 7, 27));

        round.Decide(Southend, DecisionOutcome.Approved, on: D("2026-07-14"));

        Assert.Equal(D("2026-07-22"), round.Partner(Southend).AuthorisedOn);
    }

    [Fact]
    public void Late_reminders_record_the_date_they_were_due()
    {
        var round = Round(At(2026, 7, 1));
        var reminder = round.State.Timers.First(t => t.Purpose == TimerPurpose.Reminder);
        round.Clock.SetUtcNow(reminder.DueAt.AddDays(3));

        round.Apply(FireTimer.For(reminder.TimerId));

        Assert.Equal(reminder.On, round.Events.OfType<ReminderSent>().Single().On);
    }

    [Fact]
    public void A_called_in_decision_waits_past_the_end_of_its_call_in_and_is_authorised_from_the_day_it_is_upheld()
    {
        var round = DecidedOn14July(Southend, DecisionOutcome.Approved);
        var id = round.Partner(Southend).PartnerId;
        round.AdvanceTo(At(2026, 7, 16));

        round.Apply(new CallInDecision("call-in-1", id, D("2026-07-16"), "Place Scrutiny Committee", "Cost of the data hub", Coordinator));

        Assert.Equal(PartnerStatus.CalledIn, round.Partner(Southend).Status);
        Assert.DoesNotContain(round.State.Timers, t => t.Purpose == TimerPurpose.CallInEnds);
        var calledIn = Assert.Single(round.Webhooks(WebhookEventTypes.PartnerCalledIn));
        Assert.Equal("Place Scrutiny Committee", calledIn.Data["committee"]);
        var notice = Assert.Single(round.Notifications(NotificationKind.CallInNotice));
        Assert.Contains(notice.To, r => r.Role == RecipientRole.Chair);
        Assert.Contains(notice.To, r => r.Role == RecipientRole.Officer);

        // The call-in period's end passes: nothing authorises a called-in decision.
        round.AdvanceTo(At(2026, 7, 29));
        Assert.Equal(PartnerStatus.CalledIn, round.Partner(Southend).Status);
        Assert.Empty(round.Events.OfType<PartnerAuthorised>());

        round.Apply(new ResolveCallIn("upheld-1", id, CallInOutcome.Upheld, D("2026-07-28"), "No further action", Coordinator));

        var southend = round.Partner(Southend);
        Assert.Equal(PartnerStatus.Authorised, southend.Status);
        Assert.Equal(D("2026-07-28"), southend.AuthorisedOn);
        Assert.Equal("upheld", Assert.Single(round.Webhooks(WebhookEventTypes.PartnerCallInResolved)).Data["outcome"]);
        Assert.Single(round.Notifications(NotificationKind.CounterpartRequest), n => n.PartnerId == id);
    }

    [Fact]
    public void A_call_in_referred_back_asks_the_partner_to_decide_again()
    {
        var round = DecidedOn14July(Southend, DecisionOutcome.Approved);
        var id = round.Partner(Southend).PartnerId;
        round.AdvanceTo(At(2026, 7, 16));
        round.Apply(new CallInDecision("call-in-1", id, D("2026-07-16"), null, null, Coordinator));
        round.AdvanceTo(At(2026, 7, 24));

        round.Apply(new ResolveCallIn("referred-1", id, CallInOutcome.ReferredBack, D("2026-07-24"), "Reconsider the annex", Coordinator));

        var southend = round.Partner(Southend);
        Assert.True(southend.AwaitsDecision);
        Assert.Null(southend.Decision);
        Assert.Contains(round.State.Timers, t => t.PartnerId == id && t.Purpose is TimerPurpose.Reminder or TimerPurpose.OverdueReminder);
        var told = Assert.Single(round.Notifications(NotificationKind.CallInOutcomeNotice));
        Assert.Equal(CallInOutcome.ReferredBack, told.CallInOutcome);
        Assert.Equal(id, told.ResponseLinkFor);

        // Decided again: a new call-in period from the new decision.
        round.Decide(Southend, DecisionOutcome.Approved);
        Assert.Equal(PartnerStatus.CallIn, round.Partner(Southend).Status);
    }

    [Fact]
    public void Only_a_decision_in_its_call_in_period_can_be_called_in_and_only_a_called_in_one_resolved()
    {
        var round = DecidedOn14July(Trust, DecisionOutcome.Approved);
        var trust = round.Partner(Trust).PartnerId;

        var callIn = round.Try(new CallInDecision("call-in-1", trust, D("2026-07-14"), null, null, Coordinator));
        var resolve = round.Try(new ResolveCallIn("resolve-1", trust, CallInOutcome.Upheld, D("2026-07-14"), null, Coordinator));

        Assert.Equal(RejectionCode.NoCallInRunning, Assert.IsType<RoundDecision.Rejected>(callIn).Code);
        Assert.Equal(RejectionCode.NotCalledIn, Assert.IsType<RoundDecision.Rejected>(resolve).Code);
    }

    [Fact]
    public void A_decline_corrected_to_an_approval_authorises_the_partner_and_resumes_the_round_keeping_the_original_in_the_log()
    {
        var round = DecidedOn14July(Trust, DecisionOutcome.Declined, reason: "No budget");
        Assert.Equal(RoundStatus.Stalled, round.State.Status);
        var original = round.Partner(Trust).Decision!;

        round.Apply(Correction(round, Trust, DecisionOutcome.Approved, D("2026-07-14")));

        var trust = round.Partner(Trust);
        Assert.Equal(PartnerStatus.Authorised, trust.Status);
        Assert.Equal(DecisionOutcome.Approved, trust.Decision!.Outcome);
        Assert.Equal(RoundStatus.Circulating, round.State.Status);
        var corrected = Assert.Single(round.Events.OfType<DecisionCorrected>());
        Assert.Equal(original, corrected.Original);
        Assert.Equal("The approve button was not pressed", corrected.Reason);
        Assert.Equal("https://democracy.example/trust/board/2026-07-14", corrected.Evidence);
        Assert.Single(round.Events.OfType<DecisionRecorded>()); // the original stays as it was
        var hook = Assert.Single(round.Webhooks(WebhookEventTypes.PartnerDecisionCorrected));
        Assert.Equal(("approved", "declined"), (hook.Data["outcome"], hook.Data["previousOutcome"]));
        var told = Assert.Single(round.Notifications(NotificationKind.DecisionCorrection));
        Assert.Contains(told.To, r => r.Role == RecipientRole.Officer);
        Assert.Contains(told.To, r => r.Role == RecipientRole.Chair);
    }

    [Fact]
    public void A_signed_approval_corrected_to_a_decline_drops_its_counterpart_and_stalls_the_round()
    {
        var round = DecidedOn14July(Trust, DecisionOutcome.Approved);
        round.Sign(Trust);
        Assert.Equal(PartnerStatus.Signed, round.Partner(Trust).Status);

        round.Apply(Correction(round, Trust, DecisionOutcome.Declined, D("2026-07-14")));

        var trust = round.Partner(Trust);
        Assert.Equal(PartnerStatus.Declined, trust.Status);
        Assert.Null(trust.Counterpart);
        Assert.Null(trust.AuthorisedOn);
        Assert.Equal(RoundStatus.Stalled, round.State.Status);
        Assert.DoesNotContain(round.State.Timers, t => t.PartnerId == trust.PartnerId);
    }

    [Fact]
    public void A_wrong_date_corrected_after_the_call_in_started_restarts_the_call_in_from_the_right_date()
    {
        var round = DecidedOn14July(Southend, DecisionOutcome.Approved);
        Assert.Equal(PartnerStatus.CallIn, round.Partner(Southend).Status);
        round.AdvanceTo(At(2026, 7, 16));

        // Cabinet really met on 2 July: its call-in ended on 9 July, so the decision stands from 10 July.
        round.Apply(Correction(round, Southend, DecisionOutcome.Approved, D("2026-07-02")));

        var southend = round.Partner(Southend);
        Assert.Equal(D("2026-07-02"), southend.Decision!.DecidedOn);
        Assert.Equal(D("2026-07-09"), southend.CallInEndsOn);
        Assert.Equal(PartnerStatus.Authorised, southend.Status);
        Assert.Equal(D("2026-07-10"), southend.AuthorisedOn);
        Assert.DoesNotContain(round.State.Timers, t => t.Purpose == TimerPurpose.CallInEnds);
    }

    [Fact]
    public void A_corrected_minute_reference_of_a_signed_partner_corrects_the_record_only()
    {
        var round = DecidedOn14July(Trust, DecisionOutcome.Approved);
        round.Sign(Trust);
        var before = round.Partner(Trust);

        round.Apply(Correction(round, Trust, DecisionOutcome.Approved, D("2026-07-14"), minute: "TB 2026/114"));

        var after = round.Partner(Trust);
        Assert.Equal(PartnerStatus.Signed, after.Status);
        Assert.Equal(before.Counterpart, after.Counterpart);
        Assert.Equal(before.AuthorisedOn, after.AuthorisedOn);
        Assert.Equal("TB 2026/114", after.Decision!.MinuteReference);
    }

    [Fact]
    public void A_correction_needs_a_decision_a_reason_and_evidence()
    {
        var round = Round(At(2026, 7, 1));
        var id = round.Partner(Trust).PartnerId;
        var nothing = round.Try(Correction(round, Trust, DecisionOutcome.Approved, D("2026-07-01")));
        round.Decide(Trust, DecisionOutcome.Approved);
        var noEvidence = round.Try(Correction(round, Trust, DecisionOutcome.Declined, D("2026-07-01")) with { Evidence = " " });

        Assert.Equal(RejectionCode.NoDecisionToCorrect, Assert.IsType<RoundDecision.Rejected>(nothing).Code);
        Assert.Equal(RejectionCode.MissingDetail, Assert.IsType<RoundDecision.Rejected>(noEvidence).Code);
        Assert.Equal(PartnerStatus.Authorised, round.State.FindPartner(id)!.Status);
    }

    private static CorrectDecision Correction(RoundHarness round, string partner, DecisionOutcome outcome, DateOnly decidedOn, string? minute = "TB 2026/114")
    {
        var p = round.Partner(partner);
        var id = round.NextId("correction");
        return new CorrectDecision(id,
            new RecordDecision(id, p.PartnerId, p.Decision?.Version ?? round.State.CurrentVersion.Number, outcome, null, decidedOn, minute, null,
                outcome == DecisionOutcome.Declined ? "No budget" : null, null, Coordinator),
            "The approve button was not pressed", "https://democracy.example/trust/board/2026-07-14", Coordinator);
    }
}
