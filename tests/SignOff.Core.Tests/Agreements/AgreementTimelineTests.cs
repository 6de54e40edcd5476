using System.Collections.Immutable;
using SignOff.Core.Agreements;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using static SignOff.Core.Tests.Agreements.AgreementHarness;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Agreements;

/// <summary>The agreement page's history: every fact told in people's words, bookkeeping not, parties by name.</summary>
public sealed class AgreementTimelineTests
{
    private static readonly Type[] Bookkeeping = [typeof(AgreementTimerScheduled), typeof(AgreementTimerCleared)];

    private static readonly Actor Officer = new("Programme Office", "office@alliance.example", ActorRole.Coordinator);

    private static readonly Party Maldon = new("maldon", "Maldon District Council", new Person("Jo Bloggs", "jo@maldon.example"), D("2021-06-15"), "round-1");

    private static readonly EffectiveVersion Version2 = new(2, "round-2", Document("v2", "mou-v2.pdf"), D("2022-07-04"));

    /// <summary>One of every kind of event, with the sentence it must read as (null: bookkeeping, not told).</summary>
    public static TheoryData<AgreementEvent, string?, string?> EveryEvent => new()
    {
        {
            new AgreementTookEffect("round-1", new AgreementInfo("Mid Essex Alliance MoU", "MEA-MOU"), Terms(), new Person("Programme Office", "office@alliance.example"), [],
                new EffectiveVersion(1, "round-1", Document("v1", "mou-v1.pdf"), D("2021-06-15")),
                [Maldon, Maldon with { PartyId = "chelmsford", Name = "Chelmsford City Council" }, Maldon with { PartyId = "farleigh", Name = "Farleigh Hospice" }]),
            "Mid Essex Alliance MoU took effect on 15 June 2021: version 1 (mou-v1.pdf) binds 3 parties: Maldon District Council, Chelmsford City Council and Farleigh Hospice.",
            null
        },
        { new AgreementVaried(Version2), "Version 2 (mou-v2.pdf) took effect on 4 July 2022: every party bound signed the variation.", null },
        {
            new PartyJoined(Maldon with { PartyId = "provide", Name = "Provide CIC", Officer = new Person("Pat Jones", "pat@provide.example"), JoinedOn = D("2022-01-10") }),
            "Provide CIC joined on 10 January 2022, bound by its counterpart; Pat Jones is its officer.", null
        },
        {
            new ReviewRecorded(D("2022-06-15"), D("2022-06-20"), ReviewOutcome.VariationNeeded, "The data-sharing annex is out of date.", Officer),
            "The review due on 15 June 2022 was held on 20 June 2022: a variation is needed (The data-sharing annex is out of date).", "Programme Office"
        },
        {
            new ReviewRecorded(D("2022-06-15"), D("2022-06-01"), ReviewOutcome.VariationNeeded, "The data-sharing annex is out of date.", Officer),
            "The review due on 15 June 2022 was held early, on 1 June 2022: a variation is needed (The data-sharing annex is out of date).", "Programme Office"
        },
        { new ReviewScheduled(new ScheduledReview(D("2023-06-15"), D("2023-06-15"))), "The next review is due on 15 June 2023.", null },
        { new ReviewReminderSent(D("2023-06-15"), 5), "The coordinator and the parties were reminded of the review due on 15 June 2023 (5 working days ahead).", null },
        { new ReviewFellDue(D("2023-06-15")), "The review due on 15 June 2023 fell due: the coordinator was asked to record its outcome.", null },
        {
            new NoticeGiven("maldon", D("2021-09-01"), D("2021-10-01"), "Services merging into the county.", Officer),
            "Maldon District Council gave notice on 1 September 2021 (Services merging into the county); it is bound until 1 October 2021.", "Programme Office"
        },
        { new PartyExited("maldon", D("2021-10-02")), "Maldon District Council left on 2 October 2021: it is no longer bound. The remaining parties and the chairs were told.", null },
        {
            new ContinuationRecorded(["maldon", "farleigh"], "The Alliance carries on.", Officer),
            "The partnership's view on carrying on after Maldon District Council and Farleigh Hospice left: The Alliance carries on.", "Programme Office"
        },
        {
            new AgreementDeliveryFailed(new DeliveryFailure(DeliveryChannel.Webhook, "e1", "party.exited event", "https://crm.example/hooks", "410 Gone.", "sub-1")),
            "Webhook not delivered after every retry: the party.exited event to https://crm.example/hooks. 410 Gone. Webhook subscription sub-1 was disabled.", null
        },
        { new AgreementTimerScheduled(new AgreementTimer("t1", AgreementTimerPurpose.NoticeEnds, "maldon", D("2021-10-02"), At(2021, 10, 2))), null, null },
        { new AgreementTimerCleared("t1"), null, null },
    };

    private static string Name(string id) => id switch
    {
        "maldon" => "Maldon District Council",
        "farleigh" => "Farleigh Hospice",
        _ => throw new ArgumentException($"No party {id}.", nameof(id)),
    };

    [Theory]
    [MemberData(nameof(EveryEvent))]
    public void Each_kind_of_event_reads_in_peoples_words_with_who_did_it(AgreementEvent e, string? text, string? by)
    {
        var told = AgreementTimeline.Describe(e, Name);

        if (text is null)
        {
            Assert.Contains(e.GetType(), Bookkeeping);
            Assert.Null(told);
        }
        else
        {
            Assert.Equal((text, by), told);
        }
    }

    [Fact]
    public void Every_kind_of_agreement_event_has_words_or_is_bookkeeping()
    {
        // A new event type fails here until the theory above has an example of it, so none reaches the page untold.
        var all = typeof(AgreementEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(AgreementEvent)) && !t.IsAbstract).ToHashSet();
        var covered = EveryEvent.Select(row => row.Data.Item1.GetType()).ToHashSet();

        Assert.Empty(all.Except(covered).Select(t => t.Name));
        Assert.Equal(Bookkeeping.ToHashSet(), covered.Where(t => AgreementTimeline.Describe(EveryEvent.First(r => r.Data.Item1.GetType() == t).Data.Item1, Name) is null).ToHashSet());
    }

    [Fact]
    public void An_event_type_without_words_is_refused_not_left_out()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AgreementTimeline.Describe(new UntoldEvent(), Name));
    }

    [Fact]
    public void A_review_moved_off_a_bank_holiday_says_why_its_date_is_not_the_cycles()
    {
        var moved = AgreementTimeline.Describe(new ReviewScheduled(new ScheduledReview(D("2022-12-25"), D("2022-12-28"))), Name)!.Value.Text;

        Assert.Equal("The next review is due on 28 December 2022 (25 December 2022 is not a working day).", moved);
        Assert.Equal("No further review is scheduled: the review cycle has no more dates.", AgreementTimeline.Describe(new ReviewScheduled(null), Name)!.Value.Text);
    }

    [Fact]
    public void A_real_history_is_told_oldest_first_without_bookkeeping_naming_the_party_that_left()
    {
        var register = Opened(At(2022, 1, 10), Terms(ReviewCycle.Annual), "Maldon District Council", "Chelmsford City Council");
        register.Clock.SetUtcNow(At(2022, 3, 1));
        register.Apply(new GiveNotice("notice-1", Id("Maldon District Council"), D("2022-03-01"), null, Coordinator));
        register.AdvanceTo(At(2022, 4, 2));
        register.Apply(new RecordContinuation("view-1", "The Alliance carries on", Coordinator));

        var lines = AgreementTimeline.Tell(register.Events, id => register.State.FindParty(id)!.Name);

        Assert.Equal(
        [
            "Mid Essex Alliance MoU took effect on 10 January 2022: version 1 (v1.pdf) binds 2 parties: Maldon District Council and Chelmsford City Council.",
            "The next review is due on 10 January 2023.",
            "Maldon District Council gave notice on 1 March 2022; it is bound until 31 March 2022.",
            "Maldon District Council left on 1 April 2022: it is no longer bound. The remaining parties and the chairs were told.",
            "The partnership's view on carrying on after Maldon District Council left: The Alliance carries on.",
        ], lines.Select(l => l.Text));
        Assert.True(lines.Zip(lines.Skip(1)).All(pair => pair.First.At <= pair.Second.At));
        Assert.Equal([null, null, "Programme Office", null, "Programme Office"], lines.Select(l => l.By));
    }

    [Fact]
    public void A_partys_standing_reads_as_its_tag()
    {
        Assert.Equal("bound", AgreementTimeline.Standing(Maldon));
        Assert.Equal("on notice until 1 October 2021",
            AgreementTimeline.Standing(Maldon with { Status = PartyStatus.OnNotice, Notice = new PartyNotice(D("2021-09-01"), D("2021-10-01"), null) }));
        Assert.Equal("left on 2 October 2021", AgreementTimeline.Standing(Maldon with { Status = PartyStatus.Exited, ExitedOn = D("2021-10-02") }));
    }

    [Fact]
    public void Names_read_as_a_list_in_a_sentence()
    {
        Assert.Equal("", AgreementTimeline.Names([]));
        Assert.Equal("A", AgreementTimeline.Names(["A"]));
        Assert.Equal("A and B", AgreementTimeline.Names(["A", "B"]));
        Assert.Equal("A, B and C", AgreementTimeline.Names(["A", "B", "C"]));
    }

    private sealed record UntoldEvent : AgreementEvent;
}

/// <summary>What is due next on an agreement: what needs the coordinator first, then by date.</summary>
public sealed class AgreementDueTests
{
    [Fact]
    public void A_new_agreement_waits_for_its_first_review()
    {
        var register = Opened(At(2022, 1, 10), Terms(ReviewCycle.Annual), "Maldon District Council", "Chelmsford City Council");

        var due = Assert.Single(AgreementDue.Of(register.State, D("2022-01-10")));

        Assert.Equal(new DueItem(DueKind.ReviewAhead, D("2023-01-10"), "Review due on 10 January 2023."), due);
        Assert.False(due.NeedsCoordinator);
        Assert.Empty(AgreementDue.Of(Opened(At(2022, 1, 10), Terms(), "Maldon District Council").State, D("2022-01-10")));
    }

    [Fact]
    public void A_review_whose_date_has_passed_is_the_coordinators_to_record_even_before_the_timer_fires()
    {
        var register = Opened(At(2022, 1, 10), Terms(ReviewCycle.Annual), "Maldon District Council", "Chelmsford City Council");

        var due = Assert.Single(AgreementDue.Of(register.State, D("2023-01-11")));

        Assert.Equal((DueKind.ReviewDue, "Record the outcome of the review due on 10 January 2023."), (due.Kind, due.Text));
        Assert.True(due.NeedsCoordinator);
    }

    [Fact]
    public void A_review_that_found_a_variation_needed_asks_for_one_until_one_is_going_round_or_in_force()
    {
        var register = Opened(At(2022, 1, 10), Terms(ReviewCycle.Annual), "Maldon District Council", "Chelmsford City Council");
        register.AdvanceTo(At(2023, 1, 10));
        register.Apply(new RecordReview("review-1", D("2023-01-10"), ReviewOutcome.VariationNeeded, null, Coordinator));

        var due = AgreementDue.Of(register.State, D("2023-01-10"));

        Assert.Equal((DueKind.VariationNeeded, "Propose a variation: the last review found one is needed."), (due[0].Kind, due[0].Text));
        Assert.True(due[0].NeedsCoordinator);
        Assert.DoesNotContain(AgreementDue.Of(register.State, D("2023-01-10"), variationGoingRound: true), d => d.Kind == DueKind.VariationNeeded);
        register.Apply(new ApplyVariation("vary-1", "variation", Document("v2"), D("2023-02-01"),
            [SignatoryFor("Maldon District Council", 1), SignatoryFor("Chelmsford City Council", 1)]));
        Assert.DoesNotContain(AgreementDue.Of(register.State, D("2023-02-01")), d => d.Kind == DueKind.VariationNeeded);
        Assert.False(register.Events.Aggregate((AgreementState?)null, AgreementEvolver.Evolve)!.VariationAwaited);
    }

    [Fact]
    public void A_view_awaited_comes_before_notices_ending_and_the_next_review()
    {
        var register = Opened(At(2022, 1, 10), Terms(ReviewCycle.Annual), "Maldon District Council", "Chelmsford City Council", "Farleigh Hospice");
        register.Clock.SetUtcNow(At(2022, 3, 1));
        register.Apply(new GiveNotice("notice-1", Id("Maldon District Council"), D("2022-03-01"), null, Coordinator));
        register.AdvanceTo(At(2022, 4, 2));
        register.Apply(new GiveNotice("notice-2", Id("Farleigh Hospice"), D("2022-04-02"), null, Coordinator));

        var due = AgreementDue.Of(register.State, D("2022-04-02"));

        Assert.Equal(
        [
            (DueKind.ContinuationView, "Record the partnership's view on carrying on: Maldon District Council left."),
            (DueKind.NoticeEnding, "Farleigh Hospice's notice ends: bound until 2 May 2022."),
            (DueKind.ReviewAhead, "Review due on 10 January 2023."),
        ], due.Select(d => (d.Kind, d.Text)));
        Assert.Equal(Id("Farleigh Hospice"), due[1].PartyId);
    }

    [Fact]
    public void An_agreement_every_party_left_has_only_the_view_on_carrying_on_due()
    {
        var register = Opened(At(2022, 1, 10), Terms(ReviewCycle.Annual), "Maldon District Council");
        register.Clock.SetUtcNow(At(2022, 3, 1));
        register.Apply(new GiveNotice("notice-1", Id("Maldon District Council"), D("2022-03-01"), null, Coordinator));
        register.AdvanceTo(At(2022, 4, 2));

        Assert.Equal(AgreementStatus.Ended, register.State.Status);
        Assert.Equal([DueKind.ContinuationView], AgreementDue.Of(register.State, D("2022-04-02")).Select(d => d.Kind));
    }
}
