using System.Security.Cryptography;
using System.Text;
using DurableTask.Core.Entities;
using DurableTask.Core.Entities.OperationFormat;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SignOff.Core.Calendar;
using SignOff.Core.Rounds;
using SignOff.Workflow.Effects;
using SignOff.Workflow.Rounds;
using SignOff.Workflow.Time;
using SignOff.Testing;

namespace SignOff.Workflow.Tests;

/// <summary>
/// The round entity run in memory exactly as the worker runs it: an operation batch through the
/// SDK's shim, giving the new state and the messages the batch sends.
/// </summary>
public sealed class RoundEntityTests
{
    private const string RoundId = "mea-mou-2021-abc123";
    private static readonly Actor Coordinator = new("Programme Office", "office@alliance.example", ActorRole.Coordinator);
    private readonly FakeTimeProvider round = new(new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeTimeProvider wall = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    private static StartRound Start(int partners = 2) => new("start", RoundId,
        new RoundDefinitionBuilder().Deadline(new DateOnly(2021, 7, 30)).Partners(partners, Routes.FullCouncil).Build(),
        new DocumentRef(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("draft"))), "draft.pdf", 5, "application/pdf"), Coordinator);

    private static RecordDecision Approve(RoundState state, int partner, string id) =>
        new(id, state.Partners[partner].PartnerId, 1, DecisionOutcome.Approved, "Full Council", new DateOnly(2021, 6, 1), "FC 1/21", null, null, null,
            new Actor(state.Partners[partner].Officer.Name, state.Partners[partner].Officer.Email, ActorRole.Officer));

    /// <summary>Runs one batch of operations against a state (null: the entity has none).</summary>
    private async Task<(RoundRecord? Record, EntityBatchResult Result)> RunAsync(RoundRecord? state, params (string Operation, object? Input)[] operations)
    {
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = WorkflowJson.Converter, EnableEntitySupport = true }, NullLoggerFactory.Instance);
        var id = new EntityId(WorkflowNames.RoundEntity, RoundId);
        var entity = shims.CreateEntity(WorkflowNames.RoundEntity, new RoundEntity(new RoundProcess(BankHolidays.Embedded), new WorkflowClock(round, wall), NullLogger<RoundEntity>.Instance), id);
        var result = await entity.ExecuteOperationBatchAsync(new EntityBatchRequest
        {
            InstanceId = id.ToString(),
            EntityState = state is null ? null : WorkflowJson.Converter.Serialize(state),
            Operations = [.. operations.Select(o => new OperationRequest
            {
                Operation = o.Operation,
                Id = Guid.NewGuid(),
                Input = o.Input is null ? null : WorkflowJson.Converter.Serialize(o.Input),
            })],
        });
        Assert.All(result.Results!, r => Assert.False(r.IsError, r.FailureDetails?.ErrorMessage));
        return (result.EntityState is null ? null : WorkflowJson.Converter.Deserialize<RoundRecord>(result.EntityState), result);
    }

    private static List<StartNewOrchestrationOperationAction> Starts(EntityBatchResult result, string name) =>
        [.. result.Actions!.OfType<StartNewOrchestrationOperationAction>().Where(a => a.Name == name)];

    [Fact]
    public async Task A_launch_is_kept_as_state_and_starts_its_effects_and_its_first_alarm_in_the_same_batch()
    {
        var (record, result) = await RunAsync(null, (WorkflowNames.Operations.Apply, Start()));

        Assert.NotNull(record);
        Assert.Equal(1, record.Transitions);
        Assert.True(record.Applied("start"));
        var effects = Assert.Single(Starts(result, WorkflowNames.RoundEffects));
        Assert.Equal($"effects:{RoundId}:1", effects.InstanceId);
        var input = WorkflowJson.Converter.Deserialize<TransitionEffects>(effects.Input)!;
        Assert.Equal(record.Round.EventCount, input.State.EventCount);
        Assert.Contains(input.Effects, e => e is SendNotification { Notification.Kind: NotificationKind.Invitation });

        // The alarm is for the earliest timer, at the real instant as far ahead as it is on the round's clock.
        var alarm = Assert.Single(Starts(result, WorkflowNames.RoundAlarm));
        var earliest = record.Round.Timers.Min(t => t.DueAt);
        var expected = wall.GetUtcNow() + (earliest - round.GetUtcNow());
        Assert.Equal(expected, record.AlarmAt);
        Assert.Equal(WorkflowNames.AlarmInstanceId(RoundId, expected), alarm.InstanceId);
    }

    [Fact]
    public async Task The_same_trigger_twice_is_applied_once_and_starts_one_effects_orchestration()
    {
        var (launched, _) = await RunAsync(null, (WorkflowNames.Operations.Apply, Start()));
        var decision = Approve(launched!.Round, 0, "decide-once");

        var (record, result) = await RunAsync(launched, (WorkflowNames.Operations.Apply, decision), (WorkflowNames.Operations.Apply, decision));

        Assert.Equal(2, record!.Transitions);
        Assert.Equal($"effects:{RoundId}:2", Assert.Single(Starts(result, WorkflowNames.RoundEffects)).InstanceId);
        Assert.Single(record.Round.Partners, p => p.Decision is not null);
    }

    [Fact]
    public async Task Twenty_decisions_in_one_batch_all_count_each_with_its_own_transition()
    {
        var (launched, _) = await RunAsync(null, (WorkflowNames.Operations.Apply, Start(partners: 20)));
        var decisions = Enumerable.Range(0, 20).Select(i => (WorkflowNames.Operations.Apply, (object?)Approve(launched!.Round, i, $"decide-{i}"))).ToArray();

        var (record, result) = await RunAsync(launched, decisions);

        Assert.Equal(21, record!.Transitions);
        Assert.All(record.Round.Partners, p => Assert.NotNull(p.Decision));
        Assert.Equal(Enumerable.Range(2, 20).Select(t => $"effects:{RoundId}:{t}"), Starts(result, WorkflowNames.RoundEffects).Select(s => s.InstanceId));
    }

    [Fact]
    public async Task A_trigger_for_a_round_that_does_not_exist_leaves_no_state_and_sends_nothing()
    {
        var (launched, _) = await RunAsync(null, (WorkflowNames.Operations.Apply, Start()));

        var (record, result) = await RunAsync(null, (WorkflowNames.Operations.Apply, Approve(launched!.Round, 0, "ghost")), (WorkflowNames.Operations.Tick, null));

        Assert.Null(record);
        Assert.Null(result.EntityState);
        Assert.Empty(result.Actions!);
    }

    [Fact]
    public async Task A_trigger_the_round_refuses_is_recorded_with_why_so_the_waiting_request_can_say()
    {
        var (launched, _) = await RunAsync(null, (WorkflowNames.Operations.Apply, Start()));
        var partner = launched!.Round.Partners[0];
        var withdraw = new WithdrawPartner("withdraw", partner.PartnerId, new DateOnly(2021, 6, 1), "notice", Coordinator);

        var (record, result) = await RunAsync(launched, (WorkflowNames.Operations.Apply, withdraw), (WorkflowNames.Operations.Apply, Approve(launched.Round, 0, "too-late")));

        var refusal = record!.RefusalOf("too-late");
        Assert.NotNull(refusal);
        Assert.Equal(RejectionCode.PartnerWithdrawn, refusal.Code);
        Assert.False(record.Applied("too-late"));
        Assert.Single(Starts(result, WorkflowNames.RoundEffects)); // the withdrawal's only
    }

    [Fact]
    public async Task A_tick_fires_what_is_due_by_the_rounds_clock_and_arms_the_next_alarm()
    {
        var (launched, _) = await RunAsync(null, (WorkflowNames.Operations.Apply, Start()));
        var first = launched!.Round.Timers.MinBy(t => t.DueAt)!;

        // Early: nothing is due, nothing changes, and the alarm already armed is not armed again.
        var (early, quiet) = await RunAsync(launched, (WorkflowNames.Operations.Tick, null));
        Assert.Equal(launched.Transitions, early!.Transitions);
        Assert.Empty(quiet.Actions!);

        // The round's clock passes the first timer: the tick fires it (and any other due) and arms the next alarm.
        round.SetUtcNow(first.DueAt + TimeSpan.FromMinutes(1));
        var (after, fired) = await RunAsync(launched, (WorkflowNames.Operations.Tick, launched.AlarmAt));
        Assert.DoesNotContain(after!.Round.Timers, t => t.TimerId == first.TimerId);
        Assert.True(after.Applied(FireTimer.For(first.TimerId).TriggerId));
        Assert.NotEmpty(Starts(fired, WorkflowNames.RoundEffects));
        var next = Assert.Single(Starts(fired, WorkflowNames.RoundAlarm));
        Assert.Equal(WorkflowNames.AlarmInstanceId(RoundId, after.AlarmAt!.Value), next.InstanceId);
    }

    [Fact]
    public async Task An_alarm_that_rings_before_the_round_clock_reaches_the_timer_rings_again_under_a_new_id()
    {
        var (launched, _) = await RunAsync(null, (WorkflowNames.Operations.Apply, Start()));
        var rang = launched!.AlarmAt!.Value;

        // The alarm rang, but the round's clock is a hair behind (two machines' clocks).
        var (record, result) = await RunAsync(launched, (WorkflowNames.Operations.Tick, rang));

        var again = Assert.Single(Starts(result, WorkflowNames.RoundAlarm));
        Assert.Equal(rang + RoundEntity.AlarmRetry, record!.AlarmAt);
        Assert.NotEqual(WorkflowNames.AlarmInstanceId(RoundId, rang), again.InstanceId);
    }

    [Fact]
    public async Task A_record_written_before_refusals_and_alarms_existed_still_loads()
    {
        // State is data, versioned by adding fields with defaults: an earlier shape must load.
        var (launched, _) = await RunAsync(null, (WorkflowNames.Operations.Apply, Start()));
        var earlier = $$"""{"round":{{RoundJson.Serialize(launched!.Round)}},"transitions":1}""";

        var loaded = WorkflowJson.Converter.Deserialize<RoundRecord>(earlier)!;

        Assert.Equal(launched.Round.RoundId, loaded.Round.RoundId);
        Assert.Null(loaded.AlarmAt);
        Assert.Null(loaded.RefusalOf("anything"));
        var (after, _) = await RunAsync(loaded, (WorkflowNames.Operations.Apply, Approve(loaded.Round, 0, "after-upgrade")));
        Assert.True(after!.Applied("after-upgrade"));
    }
}
