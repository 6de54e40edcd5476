using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using SignOff.Core.Wording;
using SignOff.Testing;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Rounds;

/// <summary>What needs the coordinator: computed from the round and today, most pressing first, each naming its partner.</summary>
public sealed class RoundAttentionTests
{
    private static RoundHarness Mixed()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30"))
            .Partner("Chelmsford City Council", Routes.Cabinet, dueBy: D("2021-07-09"))
            .Partner("Farleigh Hospice", Routes.CharityBoard, meeting: D("2021-07-05"))
            .Partner("Provide CIC", Routes.CharityBoard)
            .Partner("Maldon District Council", Routes.FullCouncil, meeting: D("2021-08-10"))
            .Build(), At(2021, 6, 1));
        round.Decide("Provide CIC", DecisionOutcome.ApprovedWithConditions, conditions: "A seat on the board");
        round.AdvanceTo(At(2021, 7, 12));
        return round;
    }

    [Fact]
    public void Overdue_decisions_and_passed_meetings_come_first_then_what_waits_on_the_coordinator()
    {
        var items = RoundAttention.Of(Mixed().State, D("2021-07-12"));

        Assert.Equal(
            [
                (AttentionKind.MeetingPassed, "Farleigh Hospice", AttentionSeverity.Urgent),
                (AttentionKind.DecisionOverdue, "Chelmsford City Council", AttentionSeverity.Urgent),
                (AttentionKind.ConditionsToReview, "Provide CIC", AttentionSeverity.ToDo),
            ],
            items.Select(i => (i.Kind, i.PartnerName!, i.Severity)));
        Assert.Equal("Chelmsford City Council's decision was due on 9 July 2021", items[1].Text);
        Assert.Equal(D("2021-07-09"), items[1].On);
        Assert.Contains("met on 5 July 2021 and no decision is recorded", items[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_is_overdue_before_its_day()
    {
        var items = RoundAttention.Of(Mixed().State, D("2021-07-05"));

        Assert.Equal([AttentionKind.ConditionsToReview], items.Select(i => i.Kind));
    }

    [Fact]
    public void A_passed_meeting_with_no_decision_reads_as_such_not_as_scheduled()
    {
        var hospice = Mixed().Partner("Farleigh Hospice");

        Assert.Equal("scheduled to decide", Words.For(hospice, D("2021-07-05")));
        Assert.Equal("meeting was on 5 July 2021 — no decision recorded", Words.For(hospice, D("2021-07-06")));
        Assert.Equal(Words.For(PartnerStatus.Invited), Words.For(Mixed().Partner("Chelmsford City Council"), D("2021-07-12")));
    }

    [Fact]
    public void Counterparts_awaited_and_in_review_are_named()
    {
        var round = Started(
            new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council", Routes.FullCouncil)
                .Partner("Braintree District Council", Routes.FullCouncil).Build() with { CounterpartReview = CounterpartReview.Unverified },
            At(2021, 6, 1));
        round.Decide("Maldon District Council", DecisionOutcome.Approved);
        round.Decide("Braintree District Council", DecisionOutcome.Approved);
        round.Apply(round.CounterpartFor(round.Partner("Maldon District Council")) with { Check = new(SignatureKind.Photo) });

        var items = RoundAttention.Of(round.State, D("2021-06-02"));

        Assert.Equal(
            [(AttentionKind.CounterpartToReview, "Maldon District Council"), (AttentionKind.CounterpartAwaited, "Braintree District Council")],
            items.Select(i => (i.Kind, i.PartnerName!)));
    }

    [Fact]
    public void A_stalled_round_says_why_and_a_closed_round_needs_nothing()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30"))
            .Partner("Maldon District Council", Routes.FullCouncil).Partner("Provide CIC", Routes.CharityBoard).Build(), At(2021, 6, 1));
        round.Decide("Maldon District Council", DecisionOutcome.Declined, reason: "Not affordable");

        var stalled = RoundAttention.Of(round.State, D("2021-06-02"));

        var first = stalled[0];
        Assert.Equal((AttentionKind.Stalled, AttentionSeverity.Urgent, null), (first.Kind, first.Severity, first.PartnerId));
        Assert.StartsWith("The round has stalled: ", first.Text, StringComparison.Ordinal);

        round.Apply(new CancelRound("cancel", "No longer needed", Coordinator));
        Assert.Empty(RoundAttention.Of(round.State, D("2021-09-01")));
    }
}

/// <summary>The coordinator moves a partner's dates: audited, re-planned, the officer told.</summary>
public sealed class PartnerDatesTests
{
    [Fact]
    public void Moving_a_due_date_and_meeting_replans_reminders_clears_overdue_and_tells_the_officer()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30"))
            .Partner("Chelmsford City Council", Routes.Cabinet, dueBy: D("2021-07-09")).Build(), At(2021, 6, 1));
        round.AdvanceTo(At(2021, 7, 12));
        var p = round.Partner("Chelmsford City Council");
        Assert.Contains(RoundAttention.Of(round.State, D("2021-07-12")), i => i.Kind == AttentionKind.DecisionOverdue);

        var moved = round.Apply(new ChangePartnerDates("dates-1", p.PartnerId, D("2021-07-28"), D("2021-07-21"), Coordinator));

        var changed = Assert.Single(moved.Events.OfType<PartnerDatesChanged>());
        Assert.Equal((D("2021-07-28"), D("2021-07-21"), D("2021-07-09"), (DateOnly?)null), (changed.DueOn, changed.MeetingOn, changed.PreviousDueOn, changed.PreviousMeetingOn));
        Assert.Equal(PartnerStatus.Scheduled, round.Partner("Chelmsford City Council").Status);
        Assert.Empty(RoundAttention.Of(round.State, D("2021-07-12")));
        Assert.Contains(moved.Events, e => e is TimerScheduled { Timer.Purpose: TimerPurpose.Reminder });
        var told = Assert.Single(round.Notifications(NotificationKind.DatesChanged));
        Assert.Equal((p.PartnerId, D("2021-07-28")), (told.ResponseLinkFor, told.DueOn));
        Assert.Equal("2021-07-09", Assert.Single(round.Webhooks(WebhookEventTypes.PartnerDatesChanged)).Data["previousDueOn"]);
        Assert.Contains("due 28 July 2021 (was 9 July 2021)", RoundTimeline.Describe(changed, _ => "Chelmsford City Council")!.Value.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_date_in_the_past_or_no_change_is_refused()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Provide CIC", Routes.CharityBoard).Build(), At(2021, 6, 1));
        var p = round.Partner("Provide CIC");

        Assert.Equal(RejectionCode.InvalidDate, Assert.IsType<RoundDecision.Rejected>(round.Try(new ChangePartnerDates("d1", p.PartnerId, D("2021-05-01"), null, Coordinator))).Code);
        Assert.Equal(RejectionCode.InvalidDate, Assert.IsType<RoundDecision.Rejected>(round.Try(new ChangePartnerDates("d2", p.PartnerId, null, D("2021-05-01"), Coordinator))).Code);
        Assert.Equal(RejectionCode.MissingDetail, Assert.IsType<RoundDecision.Rejected>(round.Try(new ChangePartnerDates("d3", p.PartnerId, p.DueOn, null, Coordinator))).Code);
    }
}

/// <summary>The coordinator resends an officer's invitation: a fresh link, audited, not twice in ten minutes.</summary>
public sealed class ResendInvitationTests
{
    [Fact]
    public void A_resend_sends_a_fresh_link_and_a_second_within_ten_minutes_is_refused()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Provide CIC", Routes.CharityBoard).Build(), At(2021, 6, 1));
        var p = round.Partner("Provide CIC");

        var resent = round.Apply(new ResendInvitation("resend-1", p.PartnerId, Coordinator));

        Assert.IsType<InvitationResent>(Assert.Single(resent.Events, e => e is not TimerScheduled and not TimerCleared));
        var invitation = Assert.Single(resent.Effects.OfType<SendNotification>()).Notification;
        Assert.Equal((NotificationKind.Invitation, p.PartnerId), (invitation.Kind, invitation.ResponseLinkFor));
        Assert.Equal(RejectionCode.ResentRecently, Assert.IsType<RoundDecision.Rejected>(round.Try(new ResendInvitation("resend-2", p.PartnerId, Coordinator))).Code);

        round.Clock.Advance(RoundProcess.ResendInterval);
        round.Apply(new ResendInvitation("resend-3", p.PartnerId, Coordinator));
        Assert.Equal(3, round.Notifications(NotificationKind.Invitation).Count());
    }
}

/// <summary>The coordinator is given a link to pass on: audited with the officer it is for, never sending anything.</summary>
public sealed class OfficerLinkTests
{
    [Fact]
    public void Issuing_a_link_records_who_was_given_one_for_whom_and_sends_nothing()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Provide CIC", Routes.CharityBoard).Build(), At(2021, 6, 1));
        var p = round.Partner("Provide CIC");

        var issued = round.Apply(new IssueOfficerLink("link-1", p.PartnerId, Coordinator));

        var fact = Assert.IsType<OfficerLinkIssued>(Assert.Single(issued.Events));
        Assert.Equal((p.PartnerId, p.Officer.Email, Coordinator), (fact.PartnerId, fact.OfficerEmail, fact.By));
        Assert.Empty(issued.Effects.OfType<SendNotification>());
        Assert.Equal(p, round.Partner("Provide CIC"));
    }

    [Fact]
    public void No_link_is_issued_for_a_partner_that_has_left()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Provide CIC", Routes.CharityBoard).Partner("Community 360", Routes.CharityBoard).Build(), At(2021, 6, 1));
        var p = round.Partner("Provide CIC");
        round.Apply(new WithdrawPartner("withdraw-1", p.PartnerId, D("2021-06-02"), "Left the alliance", Coordinator));

        Assert.Equal(RejectionCode.PartnerWithdrawn, Assert.IsType<RoundDecision.Rejected>(round.Try(new IssueOfficerLink("link-1", p.PartnerId, Coordinator))).Code);
    }
}

/// <summary>The chair's digest names names: who met without a decision, who is yet to sign, why a round stalled.</summary>
public sealed class DigestNamesTests
{
    [Fact]
    public void A_digest_names_meetings_passed_partners_awaiting_a_counterpart_and_why_the_round_stalled()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30"))
            .Partner("Farleigh Hospice", Routes.CharityBoard, meeting: D("2021-06-10"))
            .Partner("Maldon District Council", Routes.FullCouncil)
            .Partner("Provide CIC", Routes.CharityBoard).Build(), At(2021, 6, 1));
        round.Decide("Maldon District Council", DecisionOutcome.Approved);
        round.Decide("Provide CIC", DecisionOutcome.Declined, reason: "Not affordable");

        var digest = RoundDigest.Of(round.State, D("2021-06-14"));

        var passed = Assert.Single(digest.MeetingsPassed);
        Assert.Equal(("Farleigh Hospice", D("2021-06-10")), (passed.Name, passed.On));
        var awaiting = Assert.Single(digest.AwaitingCounterpart);
        Assert.Equal(("Maldon District Council", "counterpart not yet received"), (awaiting.Name, awaiting.Detail));
        Assert.Equal("Provide CIC declined.", digest.StallReason);
    }
}
