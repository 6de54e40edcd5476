using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Rounds;

/// <summary>The coordinator's timeline: every fact is told in a sentence, bookkeeping is not, and partner facts name the partner.</summary>
public sealed class RoundTimelineTests
{
    private static readonly Type[] Bookkeeping = [typeof(TimerScheduled), typeof(TimerCleared)];

    [Fact]
    public void Every_kind_of_event_in_random_histories_is_told_and_timer_bookkeeping_is_not()
    {
        var told = new HashSet<Type>();
        var random = new Random(20210630);
        for (var i = 0; i < 300; i++)
        {
            var script = new RandomRoundScript();
            foreach (var step in Enumerable.Range(0, random.Next(5, 80)).Select(_ => random.Next()))
            {
                if (step % 20 < 3)
                {
                    script.Advance(step % 10, (_, _, _) => { });
                }
                else
                {
                    script.Run([step], (_, _, _) => { });
                }
            }

            var state = script.Round.State;
            foreach (var e in script.Round.Events)
            {
                var line = RoundTimeline.Describe(e, id => state.FindPartner(id)!.Name);
                if (Bookkeeping.Contains(e.GetType()))
                {
                    Assert.Null(line);
                    continue;
                }

                Assert.NotNull(line);
                Assert.False(string.IsNullOrWhiteSpace(line.Value.Text));
                if (RoundTimeline.PartnerOf(e) is { } partnerId)
                {
                    Assert.Contains(state.FindPartner(partnerId)!.Name, line.Value.Text, StringComparison.Ordinal);
                }

                told.Add(e.GetType());
            }
        }

        // Every event type the engine can emit was met and told, bar bookkeeping and what the
        // scripts never reach (acknowledgements, reminders, escalations: told in the tests below;
        // delivery failures, which only the workflow reports: DeliveryFailureTests; timers beyond
        // the bank-holiday data: CalendarGapTests).
        var all = typeof(RoundEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(RoundEvent)) && !t.IsAbstract).ToHashSet();
        all.ExceptWith(Bookkeeping);
        all.ExceptWith([typeof(InvitationAcknowledged), typeof(ReminderSent), typeof(PartnerEscalated), typeof(PartnerFellOverdue), typeof(DeliveryFailed), typeof(TimersBeyondCalendar)]);
        Assert.Empty(all.Except(told).Select(t => t.Name));
    }

    [Fact]
    public void A_revision_belongs_on_every_partners_timeline_and_a_partners_own_event_only_on_its_own()
    {
        var revised = new DraftRevised(2, Document("v2"), RevisionKind.Minor, "Annex 6", Coordinator);
        var acknowledged = new InvitationAcknowledged("maldon", Coordinator);

        Assert.True(RoundTimeline.Concerns(revised, "maldon"));
        Assert.True(RoundTimeline.Concerns(revised, "chelmsford"));
        Assert.True(RoundTimeline.Concerns(acknowledged, "maldon"));
        Assert.False(RoundTimeline.Concerns(acknowledged, "chelmsford"));
        Assert.False(RoundTimeline.Concerns(new DigestSent(D("2021-06-07")), "maldon"));
    }

    [Fact]
    public void An_acknowledgement_names_the_partner_and_who_acknowledged()
    {
        var line = RoundTimeline.Describe(new InvitationAcknowledged("maldon", new Actor("Jo Bloggs", "jo@maldon.example", ActorRole.Officer)), _ => "Maldon District Council");

        Assert.Equal(("Maldon District Council acknowledged the invitation.", "Jo Bloggs"), line);
    }

    [Fact]
    public void Reminders_and_escalations_name_the_partner()
    {
        static string Name(string _) => "Farleigh Hospice";

        Assert.Equal("Overdue reminder sent to Farleigh Hospice.", RoundTimeline.Describe(new ReminderSent("farleigh", D("2021-08-02"), Overdue: true), Name)!.Value.Text);
        Assert.Equal("Reminder sent to Farleigh Hospice.", RoundTimeline.Describe(new ReminderSent("farleigh", D("2021-07-19"), Overdue: false), Name)!.Value.Text);
        Assert.Equal(("Farleigh Hospice is overdue: the chairs were told.", null), RoundTimeline.Describe(new PartnerEscalated("farleigh", D("2021-08-02")), Name));
    }

    [Fact]
    public void A_decision_reads_as_a_phrase_with_body_date_minute_and_version()
    {
        var decision = new RecordedDecision(DecisionOutcome.Deferred, 2, "Cabinet", D("2021-06-15"), "CAB 23", null, "More time", D("2021-07-13"),
            Coordinator, null);

        Assert.Equal("deferred to 13 July 2021 by Cabinet on 15 June 2021 (minute CAB 23), version 2", RoundTimeline.Outcome(decision));
        Assert.Equal("approved subject to conditions by Cabinet on 15 June 2021, version 2",
            RoundTimeline.Outcome(decision with { Outcome = DecisionOutcome.ApprovedWithConditions, MinuteReference = null, DeferredTo = null }));
    }

    [Fact]
    public void Many_events_of_one_kind_from_one_action_are_one_line_that_lists_them()
    {
        var round = Started(new SignOff.Testing.RoundDefinitionBuilder().Partners(19).Build(), At(2021, 6, 1));
        string Name(string id) => round.State.FindPartner(id)!.Name;

        var lines = RoundTimeline.Tell(round.Events, Name);

        var invited = Assert.Single(lines, l => l.Text == "19 partners were invited.");
        Assert.Equal(19, invited.Details.Count);
        Assert.All(invited.Details, d => Assert.Contains("was invited", d, StringComparison.Ordinal));
        Assert.Equal(lines.Count, lines.Select(l => l.Text).Distinct().Count()); // nothing told twice
        Assert.StartsWith("Round launched", lines[0].Text, StringComparison.Ordinal); // the launch itself stays its own line, first
    }

    [Fact]
    public void Two_events_or_events_of_different_actions_stay_separate_lines()
    {
        var round = Started(new SignOff.Testing.RoundDefinitionBuilder().Partners(2).Build(), At(2021, 6, 1));
        string Name(string id) => round.State.FindPartner(id)!.Name;

        var lines = RoundTimeline.Tell(round.Events, Name);

        Assert.Equal(2, lines.Count(l => l.Text.Contains("was invited", StringComparison.Ordinal)));
        Assert.All(lines, l => Assert.Empty(l.Details));
    }

    [Fact]
    public void Grounds_given_as_a_sentence_end_the_call_in_line_with_one_full_stop()
    {
        var line = RoundTimeline.Describe(
            new DecisionCalledIn("chelmsford", new DateOnly(2021, 6, 9), "Overview and Scrutiny Committee", "Five members asked for scrutiny.", new Actor("Office", "office@alliance.example", ActorRole.Coordinator)),
            _ => "Chelmsford City Council");

        Assert.Equal("Chelmsford City Council's decision was called in by Overview and Scrutiny Committee on 9 June 2021: Five members asked for scrutiny.", line!.Value.Text);
    }
}
