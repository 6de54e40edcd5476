using FsCheck.Xunit;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Rounds;

/// <summary>
/// Invariants over random histories: whatever people do, in whatever order, these hold.
/// </summary>
public sealed class RoundPropertyTests
{
    private const int Tests = 150;

    private static RandomRoundScript Run(int[] steps, Action<RoundState, RoundTrigger, RoundDecision> check)
    {
        var script = new RandomRoundScript();
        foreach (var step in steps)
        {
            if (Math.Abs(step % 1_000_000) % 20 < 3)
            {
                script.Advance(Math.Abs(step % 10), check);
            }
            else
            {
                script.Run([step], check);
            }
        }

        return script;
    }

    private static void Ignore(RoundState before, RoundTrigger trigger, RoundDecision decision)
    {
    }

    [Property(MaxTest = Tests)]
    public void Effective_iff_every_remaining_partner_has_a_counterpart_of_the_current_version(int[] steps)
    {
        Run(steps, (_, _, decision) =>
        {
            if (decision is not RoundDecision.Accepted { State: var s } || s.Status == RoundStatus.Cancelled)
            {
                return;
            }

            var remaining = s.RemainingPartners.ToList();
            var allSigned = remaining.Count > 0 && remaining.All(p => p.Status == PartnerStatus.Signed && p.Counterpart?.Version == s.CurrentVersion.Number);
            Assert.Equal(allSigned, s.Status == RoundStatus.Effective);
        });
    }

    [Property(MaxTest = Tests)]
    public void Replaying_the_events_rebuilds_the_snapshot_exactly(int[] steps)
    {
        var script = Run(steps, Ignore);

        var rebuilt = RoundHarness.Replay(script.Round.Events);

        Assert.Equal(Json(script.Round.State), Json(rebuilt!));
    }

    [Property(MaxTest = Tests)]
    public void The_snapshot_survives_a_round_trip_through_json(int[] steps)
    {
        var script = Run(steps, Ignore);
        var json = Json(script.Round.State);

        var restored = System.Text.Json.JsonSerializer.Deserialize<RoundState>(json, JsonOptions)!;

        Assert.Equal(json, Json(restored));
        var events = System.Text.Json.JsonSerializer.Deserialize<List<RoundEvent>>(
            System.Text.Json.JsonSerializer.Serialize(script.Round.Events, JsonOptions), JsonOptions)!;
        Assert.Equal(json, Json(RoundHarness.Replay(events)!));
    }

    [Property(MaxTest = Tests)]
    public void Applying_any_accepted_trigger_again_changes_nothing(int[] steps)
    {
        var script = Run(steps, Ignore);
        var before = Json(script.Round.State);

        foreach (var trigger in script.Accepted)
        {
            var again = script.Round.Process.Decide(script.Round.State, trigger, script.Round.Now);
            Assert.IsType<RoundDecision.AlreadyApplied>(again);
        }

        Assert.Equal(before, Json(script.Round.State));
    }

    [Property(MaxTest = Tests)]
    public void Deciding_the_same_trigger_twice_from_the_same_state_gives_the_same_answer(int[] steps)
    {
        Run(steps, (before, trigger, decision) =>
        {
            var retried = new RoundProcess(Holidays).Decide(before, trigger, decision is RoundDecision.Accepted a && a.Events.Count > 0 ? a.Events[0].At : default);
            if (decision is RoundDecision.Accepted accepted)
            {
                var again = Assert.IsType<RoundDecision.Accepted>(retried);
                Assert.Equal(accepted.Effects.Select(e => e.EffectId), again.Effects.Select(e => e.EffectId));
                Assert.Equal(Json(accepted.Events), Json(again.Events));
            }
        });
    }

    [Property(MaxTest = Tests)]
    public void Reminders_never_fall_on_weekends_or_bank_holidays_and_never_follow_a_decision(int[] steps)
    {
        var calendar = Holidays.CalendarFor("england-and-wales");
        Run(steps, (before, trigger, decision) =>
        {
            if (decision is not RoundDecision.Accepted accepted)
            {
                return;
            }

            foreach (var timer in accepted.State.Timers.Where(t => t.Purpose is TimerPurpose.Reminder or TimerPurpose.OverdueReminder or TimerPurpose.CounterpartChase))
            {
                Assert.True(calendar.IsWorkingDay(timer.On), $"{timer.TimerId} falls on a non-working day");
                Assert.Equal(timer.Purpose == TimerPurpose.CounterpartChase, accepted.State.FindPartner(timer.PartnerId!)!.Status == PartnerStatus.Authorised);
            }

            foreach (var sent in accepted.Events.OfType<ReminderSent>())
            {
                Assert.True(calendar.IsWorkingDay(sent.On));
                Assert.True(before.FindPartner(sent.PartnerId)!.AwaitsDecision, $"a reminder followed {sent.PartnerId}'s decision");
            }
        });
    }

    [Property(MaxTest = Tests)]
    public void Effect_ids_are_unique_across_a_round(int[] steps)
    {
        var script = Run(steps, Ignore);

        var ids = script.Round.Effects.Select(e => e.EffectId).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Property(MaxTest = Tests)]
    public void A_closed_round_has_no_timers_and_every_open_partner_awaiting_something_has_one(int[] steps)
    {
        var script = Run(steps, Ignore);
        var s = script.Round.State;

        if (s.IsClosed)
        {
            Assert.Empty(s.Timers);
            return;
        }

        foreach (var p in s.RemainingPartners.Where(p => p.AwaitsDecision || p.Status == PartnerStatus.Authorised || p.CallInRunning))
        {
            Assert.Single(s.Timers, t => t.PartnerId == p.PartnerId && t.Purpose != TimerPurpose.CalendarCheck);
        }

        // A published calendar is read only for a partner still to decide, and once a day at most.
        foreach (var p in s.Partners)
        {
            var checks = s.Timers.Count(t => t.PartnerId == p.PartnerId && t.Purpose == TimerPurpose.CalendarCheck);
            Assert.True(checks <= (p.IsRemaining && p.AwaitsDecision && p.Calendar is not null ? 1 : 0), $"{p.Name} ({p.Status}) has {checks} calendar checks");
        }
    }
}

/// <summary>The random histories reach every round outcome, so the properties above are not vacuous.</summary>
public sealed class RandomRoundScriptCoverageTests
{
    [Fact]
    public void Random_histories_reach_every_round_status_and_most_partner_states()
    {
        var random = new Random(20210731);
        var statuses = new HashSet<RoundStatus>();
        var partnerStates = new HashSet<PartnerStatus>();
        for (var i = 0; i < 300; i++)
        {
            // Histories are long enough to reach effect although the script now also calls decisions in, corrects them and reviews counterparts.
            var steps = Enumerable.Range(0, random.Next(5, 160)).Select(_ => random.Next()).ToArray();
            var script = new RandomRoundScript();
            foreach (var step in steps)
            {
                if (step % 20 < 3)
                {
                    script.Advance(step % 10, (_, _, _) => { });
                }
                else
                {
                    script.Run([step], (_, _, _) => { });
                }

                partnerStates.UnionWith(script.Round.State.Partners.Select(p => p.Status));
            }

            statuses.Add(script.Round.State.Status);
        }

        Assert.Equal(Enum.GetValues<RoundStatus>().ToHashSet(), statuses);
        Assert.Superset(new HashSet<PartnerStatus>
        {
            PartnerStatus.Invited, PartnerStatus.Scheduled, PartnerStatus.ApprovedWithConditions, PartnerStatus.Deferred, PartnerStatus.Declined,
            PartnerStatus.CallIn, PartnerStatus.Authorised, PartnerStatus.Signed, PartnerStatus.Withdrawn, PartnerStatus.Removed,
        }, partnerStates);
    }
}
