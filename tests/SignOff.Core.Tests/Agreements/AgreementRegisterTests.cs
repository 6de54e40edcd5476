using System.Collections.Immutable;
using System.Text.Json;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using static SignOff.Core.Tests.Agreements.AgreementHarness;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Agreements;

/// <summary>Notice to leave: bound to the notice's last day, gone the day after, the agreement carrying on for the others.</summary>
public sealed class NoticeTests
{
    [Fact]
    public void Thirty_days_notice_given_on_1_march_binds_the_party_to_31_march_and_it_leaves_on_1_april()
    {
        var register = Opened(At(2022, 1, 10), Terms(), "Maldon District Council", "Chelmsford City Council", "Farleigh Hospice");
        register.Clock.SetUtcNow(At(2022, 3, 1));
        var maldon = Id("Maldon District Council");

        register.Apply(new GiveNotice("notice-1", maldon, D("2022-03-01"), "Restructuring", Coordinator));

        Assert.Equal(new PartyNotice(D("2022-03-01"), D("2022-03-31"), "Restructuring"), register.State.FindParty(maldon)!.Notice);
        var told = Assert.Single(register.Notices(AgreementNoticeKind.NoticeGiven));
        Assert.Equal(D("2022-03-31"), told.On);
        Assert.DoesNotContain(told.To, r => r.Person.Email == "maldon-district-council@party.example");
        Assert.Contains(told.To, r => r.Role == RecipientRole.Chair);
        Assert.Single(register.Webhooks(AgreementWebhookTypes.NoticeGiven));

        register.AdvanceTo(At(2022, 3, 31, 23));
        Assert.Equal(PartyStatus.OnNotice, register.State.FindParty(maldon)!.Status);
        Assert.Equal(3, register.State.BoundParties.Count());

        register.AdvanceTo(At(2022, 4, 1, 1));
        var gone = register.State.FindParty(maldon)!;
        Assert.Equal((PartyStatus.Exited, D("2022-04-01")), (gone.Status, gone.ExitedOn));
        Assert.Equal(AgreementStatus.InForce, register.State.Status);
        Assert.Equal(["Chelmsford City Council", "Farleigh Hospice"], register.State.BoundParties.Select(p => p.Name));
        Assert.Equal([maldon], register.State.ContinuationViewsDue);
        var exit = Assert.Single(register.Notices(AgreementNoticeKind.PartyExited));
        Assert.Contains(exit.To, r => r.Role == RecipientRole.Coordinator);
        Assert.Equal("2", Assert.Single(register.Webhooks(AgreementWebhookTypes.PartyExited)).Data["partiesRemaining"]);

        register.Apply(new RecordContinuation("view-1", "The Alliance carries on: the remaining partners confirmed at the board of 12 April.", Coordinator));
        Assert.Empty(register.State.ContinuationViewsDue);
        Assert.Equal(AgreementRejectionCode.NoContinuationDue,
            Assert.IsType<AgreementDecision.Rejected>(register.Try(new RecordContinuation("view-2", "Again", Coordinator))).Code);
    }

    [Fact]
    public void Twenty_operational_days_skip_weekends_and_the_easter_bank_holidays()
    {
        var register = Opened(At(2022, 1, 10), Terms(notice: new NoticePeriod(20, NoticeUnit.OperationalDays)), "Sefton Council", "NHS Cheshire and Merseyside");
        register.Clock.SetUtcNow(At(2022, 4, 8));

        register.Apply(new GiveNotice("notice-1", Id("Sefton Council"), D("2022-04-08"), null, Coordinator));

        // Counting from Monday 11 April: Good Friday (15 April), Easter Monday (18 April) and the early May
        // bank holiday (2 May) do not count, nor do weekends, so the twentieth operational day is 11 May.
        Assert.Equal(D("2022-05-11"), register.State.FindParty(Id("Sefton Council"))!.Notice!.EndsOn);
    }

    [Fact]
    public void Notice_is_refused_twice_after_leaving_and_for_a_date_to_come()
    {
        var register = Opened(At(2022, 1, 10), Terms(), "Maldon District Council", "Chelmsford City Council");
        var maldon = Id("Maldon District Council");

        Assert.Equal(AgreementRejectionCode.InvalidDate, Reason(register.Try(new GiveNotice("n0", maldon, D("2022-01-11"), null, Coordinator))));
        Assert.Equal(AgreementRejectionCode.UnknownParty, Reason(register.Try(new GiveNotice("n1", "nobody", D("2022-01-10"), null, Coordinator))));
        register.Apply(new GiveNotice("n2", maldon, D("2022-01-10"), null, Coordinator));
        Assert.Equal(AgreementRejectionCode.AlreadyOnNotice, Reason(register.Try(new GiveNotice("n3", maldon, D("2022-01-10"), null, Coordinator))));
        register.AdvanceTo(At(2022, 3, 1));
        Assert.Equal(AgreementRejectionCode.PartyExited, Reason(register.Try(new GiveNotice("n4", maldon, D("2022-03-01"), null, Coordinator))));
    }

    [Fact]
    public void When_the_last_party_leaves_the_agreement_ends()
    {
        var register = Opened(At(2022, 1, 10), Terms(), "Maldon District Council");
        register.Apply(new GiveNotice("n1", Id("Maldon District Council"), D("2022-01-10"), null, Coordinator));

        register.AdvanceTo(At(2022, 2, 10, 12));

        Assert.Equal(AgreementStatus.Ended, register.State.Status);
        Assert.Equal(AgreementRejectionCode.AgreementEnded, Reason(register.Try(new RecordReview("r", D("2022-02-10"), ReviewOutcome.NoChange, null, Coordinator))));
    }

    internal static AgreementRejectionCode Reason(AgreementDecision decision) => Assert.IsType<AgreementDecision.Rejected>(decision).Code;
}

/// <summary>Reviews on the cycle the agreement names, due on working days, reminded ahead in working days.</summary>
public sealed class ReviewTests
{
    [Fact]
    public void Six_monthly_from_1_july_2022_a_review_falling_on_new_years_day_is_due_on_the_next_working_day()
    {
        var register = Opened(At(2022, 3, 1), Terms(reviews: new ReviewCycle.Every(6, D("2022-07-01"))), "Sefton Council", "NHS Cheshire and Merseyside");
        Assert.Equal(new ScheduledReview(D("2022-07-01"), D("2022-07-01")), register.State.NextReview);

        register.AdvanceTo(At(2022, 7, 1, 12));
        register.Apply(new RecordReview("review-1", D("2022-07-01"), ReviewOutcome.NoChange, "Working well", Coordinator));

        // 1 January 2023 is a Sunday and 2 January its substitute bank holiday: the review is due on Tuesday 3 January.
        Assert.Equal(new ScheduledReview(D("2023-01-01"), D("2023-01-03")), register.State.NextReview);
        var reviewed = Assert.Single(register.Webhooks(AgreementWebhookTypes.Reviewed));
        Assert.Equal(("no-change", "2023-01-01"), (reviewed.Data["outcome"], reviewed.Data["nextReviewOn"]));
    }

    [Fact]
    public void The_coordinator_and_parties_are_reminded_twenty_and_five_working_days_ahead_and_the_coordinator_asked_on_the_day()
    {
        var register = Opened(At(2022, 3, 1), Terms(reviews: new ReviewCycle.Every(6, D("2022-07-01"))), "Sefton Council", "NHS Cheshire and Merseyside");
        register.AdvanceTo(At(2022, 7, 1, 12));
        register.Apply(new RecordReview("review-1", D("2022-07-01"), ReviewOutcome.NoChange, null, Coordinator));

        register.AdvanceTo(At(2023, 1, 3, 12));

        var reminders = register.Notices(AgreementNoticeKind.ReviewReminder).Where(n => n.On == D("2023-01-03")).ToList();
        // Twenty working days before 3 January 2023 skip Christmas Day's and Boxing Day's substitute holidays (26, 27 December) and 2 January.
        Assert.Equal([20, 5], reminders.Select(r => r.WorkingDaysLeft!.Value));
        Assert.All(reminders, r => Assert.Contains(r.To, to => to.Role == RecipientRole.Coordinator));
        Assert.All(reminders, r => Assert.Equal(3, r.To.Count));
        var firstReminder = register.Events.OfType<ReviewReminderSent>().First(e => e.DueOn == D("2023-01-03"));
        Assert.Equal(D("2022-12-01"), LondonTime.DateOf(firstReminder.At));
        Assert.Equal(D("2023-01-03"), Assert.Single(register.Notices(AgreementNoticeKind.ReviewDue), n => n.On == D("2023-01-03")).On);
        Assert.Equal(D("2023-01-03"), register.State.ReviewDueSince);
    }

    [Fact]
    public void An_annual_review_counts_from_the_day_the_agreement_took_effect_and_a_late_review_does_not_move_the_cycle()
    {
        var register = Opened(At(2021, 8, 2), Terms(reviews: ReviewCycle.Annual), "Maldon District Council");
        Assert.Equal(D("2022-08-02"), register.State.NextReview!.NominalOn);

        register.AdvanceTo(At(2022, 9, 20));
        register.Apply(new RecordReview("late", D("2022-09-20"), ReviewOutcome.VariationNeeded, "Add the new hospice", Coordinator));

        Assert.Equal(D("2023-08-02"), register.State.NextReview!.NominalOn);
        Assert.Equal(ReviewOutcome.VariationNeeded, register.State.LastReviewOutcome);
    }

    [Fact]
    public void Reviews_on_listed_dates_stop_when_the_list_does()
    {
        var register = Opened(At(2022, 1, 10), Terms(reviews: new ReviewCycle.OnDates([D("2022-06-30"), D("2023-06-30")])), "Maldon District Council");
        register.Clock.SetUtcNow(At(2022, 7, 1));
        register.Apply(new RecordReview("r1", D("2022-07-01"), ReviewOutcome.NoChange, null, Coordinator));
        Assert.Equal(D("2023-06-30"), register.State.NextReview!.NominalOn);

        register.Clock.SetUtcNow(At(2023, 7, 1));
        register.Apply(new RecordReview("r2", D("2023-07-01"), ReviewOutcome.NoChange, null, Coordinator));

        Assert.Null(register.State.NextReview);
        Assert.DoesNotContain(register.State.Timers, t => t.Purpose != AgreementTimerPurpose.NoticeEnds);
        Assert.Equal(AgreementRejectionCode.NoReviewDue, NoticeTests.Reason(register.Try(new RecordReview("r3", D("2023-07-01"), ReviewOutcome.NoChange, null, Coordinator))));
    }

    [Fact]
    public void The_last_day_of_a_month_stays_the_last_day_after_a_february()
    {
        var cycle = new ReviewCycle.Every(6, D("2022-08-31"));

        Assert.Equal(D("2023-02-28"), cycle.NextAfter(D("2022-01-01"), D("2022-08-31")));
        Assert.Equal(D("2023-08-31"), cycle.NextAfter(D("2022-01-01"), D("2023-02-28")));
    }
}

/// <summary>Variations need every party; joiners sign the version in force; nobody else is asked again.</summary>
public sealed class VariationAndAccessionTests
{
    [Fact]
    public void A_variation_signed_by_every_party_changes_the_version_in_force_and_keeps_the_history()
    {
        var register = Opened(At(2022, 1, 10), Terms(), "Maldon District Council", "Chelmsford City Council");
        register.Clock.SetUtcNow(At(2022, 9, 1));

        register.Apply(new ApplyVariation("vary-1", "mea-mou-variation-1", Document("v2"), D("2022-09-01"),
            [SignatoryFor("Maldon District Council", 1), SignatoryFor("Chelmsford City Council", 1)]));

        Assert.Equal([1, 2], register.State.Versions.Select(v => v.Number));
        Assert.Equal(("mea-mou-variation-1", D("2022-09-01")), (register.State.Current.RoundId, register.State.Current.EffectiveOn));
        var told = Assert.Single(register.Notices(AgreementNoticeKind.Varied));
        Assert.Equal(2, told.Version);
        Assert.Equal("2", Assert.Single(register.Webhooks(AgreementWebhookTypes.Varied)).Data["version"]);
    }

    [Fact]
    public void A_variation_is_refused_unless_every_party_bound_signed_it_including_one_on_notice()
    {
        var register = Opened(At(2022, 1, 10), Terms(), "Maldon District Council", "Chelmsford City Council", "Farleigh Hospice");
        register.Apply(new GiveNotice("n1", Id("Farleigh Hospice"), D("2022-01-10"), null, Coordinator));

        var refused = Assert.IsType<AgreementDecision.Rejected>(register.Try(new ApplyVariation("vary-1", "variation", Document("v2"), D("2022-01-20"),
            [SignatoryFor("Maldon District Council", 1), SignatoryFor("Chelmsford City Council", 1)])));

        Assert.Equal(AgreementRejectionCode.NotUnanimous, refused.Code);
        Assert.Contains("Farleigh Hospice", refused.Message, StringComparison.Ordinal);
        Assert.Single(register.State.Versions);
        Assert.Equal(AgreementRejectionCode.UnknownParty, NoticeTests.Reason(register.Try(new ApplyVariation("vary-2", "variation", Document("v2"), D("2022-01-20"),
            [SignatoryFor("Maldon District Council", 1), SignatoryFor("Chelmsford City Council", 1), SignatoryFor("Farleigh Hospice", 1), SignatoryFor("Provide CIC", 1)]))));
    }

    [Fact]
    public void Once_a_party_has_left_a_variation_needs_only_those_still_bound()
    {
        var register = Opened(At(2022, 1, 10), Terms(), "Maldon District Council", "Chelmsford City Council");
        register.Apply(new GiveNotice("n1", Id("Chelmsford City Council"), D("2022-01-10"), null, Coordinator));
        register.AdvanceTo(At(2022, 3, 1));

        register.Apply(new ApplyVariation("vary-1", "variation", Document("v2"), D("2022-03-01"), [SignatoryFor("Maldon District Council", 1)]));

        Assert.Equal(2, register.State.Current.Number);
    }

    [Fact]
    public void A_party_that_left_while_a_variation_went_round_neither_blocks_it_nor_rejoins_by_its_signature()
    {
        var register = Opened(At(2022, 1, 10), Terms(), "Maldon District Council", "Chelmsford City Council");
        register.Apply(new GiveNotice("n1", Id("Chelmsford City Council"), D("2022-01-10"), null, Coordinator));
        register.AdvanceTo(At(2022, 3, 1));

        register.Apply(new ApplyVariation("vary-1", "variation", Document("v2"), D("2022-03-01"),
            [SignatoryFor("Maldon District Council", 1), SignatoryFor("Chelmsford City Council", 1)]));

        Assert.Equal(2, register.State.Current.Number);
        Assert.Equal(["Maldon District Council"], register.State.BoundParties.Select(p => p.Name));
    }

    [Fact]
    public void A_joiner_signs_the_version_in_force_and_joins_without_anyone_else_signing_again()
    {
        var register = Opened(At(2022, 1, 10), Terms(), "Maldon District Council", "Chelmsford City Council");
        register.Apply(new ApplyVariation("vary-1", "variation", Document("v2"), D("2022-01-10"),
            [SignatoryFor("Maldon District Council", 1), SignatoryFor("Chelmsford City Council", 1)]));

        Assert.Equal(AgreementRejectionCode.StaleVersion, NoticeTests.Reason(register.Try(new AdmitParty("join-0", "accession-1", SignatoryFor("Provide CIC", 1), 1, D("2022-01-10")))));
        register.Apply(new AdmitParty("join-1", "accession-1", SignatoryFor("Provide CIC", 1), 2, D("2022-01-10")));

        Assert.Equal(["Maldon District Council", "Chelmsford City Council", "Provide CIC"], register.State.BoundParties.Select(p => p.Name));
        Assert.Equal("accession-1", register.State.FindParty(Id("Provide CIC"))!.JoinedBy);
        var joined = Assert.Single(register.Notices(AgreementNoticeKind.PartyJoined));
        Assert.DoesNotContain(joined.To, r => r.Person.Email == "provide-cic@party.example");
        Assert.Equal(AgreementRejectionCode.DuplicateParty, NoticeTests.Reason(register.Try(new AdmitParty("join-2", "accession-2", SignatoryFor("Provide CIC", 1), 2, D("2022-01-10")))));
    }
}

/// <summary>The register's history is its truth: replay rebuilds the state, a repeated trigger changes nothing, events round-trip as stored.</summary>
public sealed class AgreementHistoryTests
{
    [Fact]
    public void Replaying_the_events_rebuilds_the_state_and_a_second_delivery_changes_nothing()
    {
        var register = Opened(At(2022, 3, 1), Terms(reviews: new ReviewCycle.Every(6, D("2022-07-01"))), "Maldon District Council", "Chelmsford City Council");
        register.Apply(new GiveNotice("n1", Id("Chelmsford City Council"), D("2022-03-01"), "Budget", Coordinator));
        register.AdvanceTo(At(2022, 7, 1, 12));
        register.Apply(new RecordReview("r1", D("2022-07-01"), ReviewOutcome.NoChange, null, Coordinator));
        register.Apply(new AdmitParty("j1", "accession-1", SignatoryFor("Provide CIC", 1), 1, D("2022-07-01")));

        var events = JsonSerializer.Deserialize<List<AgreementEvent>>(JsonSerializer.Serialize(register.Events, RoundJson.Options), RoundJson.Options)!;
        var replayed = events.Aggregate((AgreementState?)null, AgreementEvolver.Evolve)!;

        Assert.Equal(JsonSerializer.Serialize(register.State, RoundJson.Options), JsonSerializer.Serialize(replayed, RoundJson.Options));
        Assert.IsType<AgreementDecision.AlreadyApplied>(register.Try(new RecordReview("r1", D("2022-07-01"), ReviewOutcome.NoChange, null, Coordinator)));
    }

    [Fact]
    public void A_timer_cannot_fire_early_or_twice()
    {
        var register = Opened(At(2022, 1, 10), Terms(), "Maldon District Council", "Chelmsford City Council");
        register.Apply(new GiveNotice("n1", Id("Maldon District Council"), D("2022-01-10"), null, Coordinator));
        var timer = Assert.Single(register.State.Timers);

        Assert.Equal(AgreementRejectionCode.TimerNotDue, NoticeTests.Reason(register.Try(FireAgreementTimer.For(timer.TimerId))));
        register.Clock.SetUtcNow(timer.DueAt);
        register.Apply(FireAgreementTimer.For(timer.TimerId));
        Assert.Equal(AgreementRejectionCode.TimerNotPending, NoticeTests.Reason(register.Try(new FireAgreementTimer("another-delivery", timer.TimerId))));
        Assert.Single(register.Events.OfType<PartyExited>());
    }
}
