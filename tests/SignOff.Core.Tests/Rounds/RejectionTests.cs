using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;
using SignOff.Testing;

namespace SignOff.Core.Tests.Rounds;

/// <summary>Illegal triggers fail the same typed way every time, and change nothing.</summary>
public sealed class RejectionTests
{
    private static RoundHarness TwoPartners() => Started(
        new RoundDefinitionBuilder()
            .Deadline(D("2021-07-30"))
            .Partner("Maldon District Council", Routes.FullCouncil)
            .Partner("Chelmsford City Council", Routes.Cabinet)
            .Build(),
        At(2021, 6, 1));

    private static void AssertRejectedTwice(RoundHarness round, Func<string, RoundTrigger> trigger, RejectionCode code, string message)
    {
        var before = Json(round.State);
        var first = Assert.IsType<RoundDecision.Rejected>(round.Try(trigger("illegal-1")));
        var second = Assert.IsType<RoundDecision.Rejected>(round.Try(trigger("illegal-2")));
        var same = Assert.IsType<RoundDecision.Rejected>(round.Try(trigger("illegal-1")));

        Assert.Equal(code, first.Code);
        Assert.Equal(message, first.Message);
        Assert.Equal(first, second);
        Assert.Equal(first, same);
        Assert.Equal(before, Json(round.State));
    }

    [Fact]
    public void A_decision_on_a_withdrawn_partner()
    {
        var round = TwoPartners();
        var maldon = round.Partner("Maldon District Council");
        round.Apply(new WithdrawPartner("withdraw", maldon.PartnerId, D("2021-06-01"), "Notice given", Coordinator));

        AssertRejectedTwice(round,
            id => new RecordDecision(id, maldon.PartnerId, 1, DecisionOutcome.Approved, null, D("2021-06-01"), null, null, null, null, Coordinator),
            RejectionCode.PartnerWithdrawn, "Maldon District Council has withdrawn from the round.");
    }

    [Fact]
    public void A_counterpart_for_an_old_version()
    {
        var round = TwoPartners();
        round.Decide("Maldon District Council", DecisionOutcome.Approved);
        round.Apply(new ReviseDraft("revise", Document("v2"), RevisionKind.Minor, "Typo in schedule 2", Coordinator));
        var maldon = round.Partner("Maldon District Council");

        AssertRejectedTwice(round, id => round.CounterpartFor(maldon, version: 1) with { TriggerId = id },
            RejectionCode.StaleVersion, "This counterpart is of version 1; only a counterpart of the current version, 2, counts.");
    }

    [Fact]
    public void A_counterpart_before_authorisation()
    {
        var round = TwoPartners();
        var maldon = round.Partner("Maldon District Council");

        AssertRejectedTwice(round, id => round.CounterpartFor(maldon) with { TriggerId = id },
            RejectionCode.NotAuthorised, "Maldon District Council is invited; a counterpart can be received once its decision is authorised.");
    }

    [Fact]
    public void A_counterpart_that_is_the_unsigned_draft_of_any_version()
    {
        var round = TwoPartners();
        round.Decide("Maldon District Council", DecisionOutcome.Approved);
        round.Apply(new ReviseDraft("revise", Document("v2"), RevisionKind.Minor, "Typo in schedule 2", Coordinator));
        var maldon = round.Partner("Maldon District Council");

        AssertRejectedTwice(round, id => round.CounterpartFor(maldon, content: "draft v1") with { TriggerId = id },
            RejectionCode.UnsignedDraft, "This file is the unsigned draft of version 1, exactly as circulated: upload the copy signed for Maldon District Council.");
        AssertRejectedTwice(round, id => round.CounterpartFor(maldon, content: "v2") with { TriggerId = id },
            RejectionCode.UnsignedDraft, "This file is the unsigned draft of version 2, exactly as circulated: upload the copy signed for Maldon District Council.");
    }

    [Fact]
    public void A_counterpart_already_recorded_for_another_partner_of_the_round()
    {
        var round = Started(
            new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council", Routes.FullCouncil).Partner("Braintree District Council", Routes.FullCouncil)
                .Partner("Chelmsford City Council", Routes.Cabinet).Build(),
            At(2021, 6, 1));
        round.Decide("Maldon District Council", DecisionOutcome.Approved);
        round.Decide("Braintree District Council", DecisionOutcome.Approved);
        round.Sign("Maldon District Council", content: "one signed copy");
        var braintree = round.Partner("Braintree District Council");

        AssertRejectedTwice(round, id => round.CounterpartFor(braintree, content: "one signed copy") with { TriggerId = id },
            RejectionCode.CounterpartReused, "This file is already recorded as Maldon District Council's counterpart: upload the copy signed for Braintree District Council.");
    }

    [Fact]
    public void A_second_decision()
    {
        var round = TwoPartners();
        round.Decide("Chelmsford City Council", DecisionOutcome.Approved);
        var chelmsford = round.Partner("Chelmsford City Council");

        AssertRejectedTwice(round,
            id => new RecordDecision(id, chelmsford.PartnerId, 1, DecisionOutcome.Declined, null, D("2021-06-01"), null, null, "Changed our mind", null, Coordinator),
            RejectionCode.NotAwaitingDecision, "Chelmsford City Council is in its call-in period; a decision has already been recorded.");
    }

    [Fact]
    public void An_unknown_partner()
    {
        var round = TwoPartners();
        AssertRejectedTwice(round, id => new AcknowledgeInvitation(id, "no-such-partner", Coordinator),
            RejectionCode.UnknownPartner, "There is no partner 'no-such-partner' in this round.");
    }

    [Fact]
    public void A_decision_dated_in_the_future()
    {
        var round = TwoPartners();
        var maldon = round.Partner("Maldon District Council");
        AssertRejectedTwice(round,
            id => new RecordDecision(id, maldon.PartnerId, 1, DecisionOutcome.Approved, null, D("2021-06-02"), null, null, null, null, Coordinator),
            RejectionCode.InvalidDate, "The decision date 2 June 2021 is in the future.");
    }

    [Theory]
    [InlineData(DecisionOutcome.ApprovedWithConditions, "An approval subject to conditions must state the conditions.")]
    [InlineData(DecisionOutcome.Declined, "A decline must give a reason.")]
    public void A_decision_missing_its_detail(DecisionOutcome outcome, string message)
    {
        var round = TwoPartners();
        var maldon = round.Partner("Maldon District Council");
        AssertRejectedTwice(round,
            id => new RecordDecision(id, maldon.PartnerId, 1, outcome, null, D("2021-06-01"), null, "  ", " ", null, Coordinator),
            RejectionCode.MissingDetail, message);
    }

    [Fact]
    public void Conditions_that_are_not_pending()
    {
        var round = TwoPartners();
        var maldon = round.Partner("Maldon District Council");
        AssertRejectedTwice(round, id => new AcceptConditions(id, maldon.PartnerId, null, Coordinator),
            RejectionCode.NoConditionsPending, "Maldon District Council has no conditions awaiting a decision.");
    }

    [Fact]
    public void A_revision_identical_to_a_circulated_version()
    {
        var round = TwoPartners();
        AssertRejectedTwice(round, id => new ReviseDraft(id, Document("draft v1"), RevisionKind.Minor, null, Coordinator),
            RejectionCode.SameDocument, "This document is identical to a version already circulated.");
    }

    [Fact]
    public void A_timer_that_is_not_pending_or_not_yet_due()
    {
        var round = TwoPartners();
        AssertRejectedTwice(round, id => new FireTimer(id, "reminder:nobody:20210601"),
            RejectionCode.TimerNotPending, "Timer 'reminder:nobody:20210601' is not pending in this round.");

        var timer = round.State.Timers.OrderBy(t => t.DueAt).First();
        var early = Assert.IsType<RoundDecision.Rejected>(round.Try(FireTimer.For(timer.TimerId)));
        Assert.Equal(RejectionCode.TimerNotDue, early.Code);
    }

    [Fact]
    public void A_trigger_id_unsafe_for_storage_keys()
    {
        var round = TwoPartners();
        var rejected = Assert.IsType<RoundDecision.Rejected>(round.Try(new CancelRound("bad/id#", "x", Coordinator)));
        Assert.Equal(RejectionCode.InvalidTrigger, rejected.Code);
    }

    public static TheoryData<string> EveryTrigger() => new()
    {
        "acknowledge", "schedule", "decide", "accept", "reject", "counterpart", "revise", "add", "withdraw", "remove", "delegate", "cancel", "timer",
    };

    [Theory]
    [MemberData(nameof(EveryTrigger))]
    public void Anything_on_a_cancelled_round(string kind)
    {
        var round = TwoPartners();
        var p = round.Partner("Maldon District Council");
        var timer = round.State.Timers[0].TimerId;
        round.Apply(new CancelRound("cancel", "Superseded by a new MoU.", Coordinator));

        RoundTrigger Make(string id) => kind switch
        {
            "acknowledge" => new AcknowledgeInvitation(id, p.PartnerId, Coordinator),
            "schedule" => new ScheduleMeeting(id, p.PartnerId, D("2021-07-01"), null, Coordinator),
            "decide" => new RecordDecision(id, p.PartnerId, 1, DecisionOutcome.Approved, null, D("2021-06-01"), null, null, null, null, Coordinator),
            "accept" => new AcceptConditions(id, p.PartnerId, null, Coordinator),
            "reject" => new RejectConditions(id, p.PartnerId, "No", Coordinator),
            "counterpart" => round.CounterpartFor(p) with { TriggerId = id },
            "revise" => new ReviseDraft(id, Document("v2"), RevisionKind.Material, null, Coordinator),
            "add" => new AddPartner(id, new PartnerDefinition("New", new Person("N", "n@new.example"), new PartnerGovernance(Routes.FullCouncil, null), null), Coordinator),
            "withdraw" => new WithdrawPartner(id, p.PartnerId, D("2021-06-01"), null, Coordinator),
            "remove" => new RemovePartner(id, p.PartnerId, null, Coordinator),
            "delegate" => new DelegateOfficer(id, p.PartnerId, new Person("A", "a@maldon.example"), Coordinator),
            "cancel" => new CancelRound(id, "Again", Coordinator),
            "timer" => FireTimer.For(timer) with { TriggerId = id },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        AssertRejectedTwice(round, Make, RejectionCode.RoundCancelled, "The round has been cancelled; nothing more can be recorded.");
    }

    [Fact]
    public void Anything_on_an_effective_round()
    {
        var round = Started(new RoundDefinitionBuilder().Partner("Maldon District Council").Build(), At(2021, 6, 1));
        round.Decide("Maldon District Council", DecisionOutcome.Approved);
        round.Sign("Maldon District Council");
        AssertRejectedTwice(round, id => new CancelRound(id, "Too late", Coordinator),
            RejectionCode.RoundEffective, "The agreement took effect on 1 June 2021; the round is closed.");
    }

    [Fact]
    public void A_trigger_for_a_round_that_does_not_exist()
    {
        var process = new RoundProcess(Holidays);
        var rejected = Assert.IsType<RoundDecision.Rejected>(process.Decide(null, new CancelRound("c", "x", Coordinator), At(2021, 6, 1)));
        Assert.Equal(RejectionCode.RoundNotFound, rejected.Code);
    }

    [Fact]
    public void Starting_with_a_past_deadline()
    {
        var process = new RoundProcess(Holidays);
        var definition = new RoundDefinitionBuilder().Deadline(D("2021-05-31")).Partner("Maldon District Council").Build();

        var rejected = Assert.IsType<RoundDecision.Rejected>(process.Decide(null, new StartRound("s", "round-1", definition, Document("d"), Coordinator), At(2021, 6, 1)));

        Assert.Equal(RejectionCode.InvalidDate, rejected.Code);
        Assert.Equal("The deadline 31 May 2021 is before today, 1 June 2021.", rejected.Message);
    }

    [Fact]
    public void A_duplicate_trigger_is_reported_as_already_applied_and_changes_nothing()
    {
        var round = TwoPartners();
        var maldon = round.Partner("Maldon District Council");
        var trigger = new RecordDecision("same-click", maldon.PartnerId, 1, DecisionOutcome.Approved, null, D("2021-06-01"), null, null, null, null, Coordinator);
        round.Apply(trigger);
        var before = Json(round.State);

        var again = round.Try(trigger);

        Assert.IsType<RoundDecision.AlreadyApplied>(again);
        Assert.Equal(before, Json(round.State));
    }

    [Fact]
    public void A_deadline_beyond_the_bank_holiday_data()
    {
        var process = new RoundProcess(Holidays);
        var definition = new RoundDefinitionBuilder().Deadline(D("2029-01-31")).Partner("Maldon District Council").Build();

        var rejected = Assert.IsType<RoundDecision.Rejected>(process.Decide(null, new StartRound("s", "round-1", definition, Document("d"), Coordinator), At(2028, 11, 1)));

        Assert.Equal(RejectionCode.CalendarOutOfRange, rejected.Code);
        Assert.Equal("The deadline 31 January 2029 is beyond the bank-holiday data, which runs to 31 December 2028; refresh it (./signoff holidays) first.", rejected.Message);
    }

    [Fact]
    public void Near_the_end_of_the_bank_holiday_data_timers_stop_and_call_ins_past_it_are_refused()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2028-12-15"))
            .Partner("Maldon District Council").Partner("Chelmsford City Council", Routes.Cabinet).Build(), At(2028, 11, 1));

        round.AdvanceTo(At(2028, 12, 30));

        // Weekly digests need no bank holidays and carry on; partner timers stop at the data's end.
        Assert.All(round.State.Timers, t => Assert.Equal(TimerPurpose.Digest, t.Purpose));
        Assert.NotEmpty(round.Events.OfType<ReminderSent>());
        var chelmsford = round.Partner("Chelmsford City Council");
        var rejected = Assert.IsType<RoundDecision.Rejected>(round.Try(new RecordDecision("late", chelmsford.PartnerId, 1, DecisionOutcome.Approved, null, D("2028-12-29"), null, null, null, null, Coordinator)));
        Assert.Equal(RejectionCode.CalendarOutOfRange, rejected.Code);
        Assert.Equal("2029-01-01 is outside the bank-holiday data, which covers 2018-01-01 to 2028-12-31. Refresh the bank-holiday data (./signoff holidays) and try again.", rejected.Message);
        round.Apply(new RecordDecision("late-council", round.Partner("Maldon District Council").PartnerId, 1, DecisionOutcome.Approved, null, D("2028-12-29"), null, null, null, null, Coordinator));
    }
}
