using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;
using SignOff.Core.Rounds;
using SignOff.Workflow.Effects;
using SignOff.Workflow.Time;

namespace SignOff.Workflow.Rounds;

/// <summary>
/// One round, as a durable entity: applies triggers through the pure <see cref="RoundProcess"/>
/// and, in the same commit, starts the transition's effects and arms the round's alarm.
/// </summary>
/// <remarks>
/// <para><b>Why an entity.</b> The engine runs one operation of a round at a time, so twenty
/// officers deciding in the same instant are decided one after another against the state the
/// previous one left, and all count; there is no optimistic-concurrency retry to tune. A
/// duplicate trigger is recognised from <see cref="RoundState.ProcessedTriggers"/> and changes
/// nothing.</para>
/// <para><b>Atomicity.</b> The new state and the messages an operation sends (the effects
/// orchestration's start, an alarm's start) are committed together by the backend. The Azure
/// Storage backend sends the messages first and checkpoints the state after; a crash in between
/// runs the batch again and sends them again, so both orchestrations have ids derived from the
/// round and the transition (or the alarm's instant), and the second start is dropped.</para>
/// <para><b>Time.</b> Entities are not replayed, so reading the injected clock here is safe;
/// orchestrators never read it. The round's pending timers are in its state (the truth); an
/// alarm only wakes the round, which then fires whatever is due by its own clock, so an alarm
/// for a timer since cleared, or one that rings early, does nothing.</para>
/// <para><b>Nothing buffered for a round that does not exist.</b> Any trigger but a launch for a
/// round without state is refused and leaves no state behind.</para>
/// </remarks>
public sealed class RoundEntity(RoundProcess process, WorkflowClock clock, ILogger<RoundEntity> logger) : ITaskEntity
{
    /// <summary>How many due timers one tick fires at most (a clock moved by months could find many).</summary>
    public const int MaxTimersPerTick = 500;

    /// <summary>An alarm this far past its instant without ringing is taken as lost and armed again (<see cref="AlarmRule.Grace"/>).</summary>
    public static readonly TimeSpan AlarmGrace = AlarmRule.Grace;

    /// <summary>How soon to ring again when an alarm rang before anything was due (<see cref="AlarmRule.Retry"/>).</summary>
    public static readonly TimeSpan AlarmRetry = AlarmRule.Retry;

    public ValueTask<object?> RunAsync(TaskEntityOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var roundId = operation.Context.Id.Key;
        var record = operation.State.GetState<RoundRecord>();
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RoundId"] = roundId });
        var updated = operation.Name.ToLowerInvariant() switch
        {
            WorkflowNames.Operations.Apply => Apply(operation.Context, roundId, record, operation.GetInput<RoundTrigger>()
                ?? throw new InvalidOperationException("The apply operation needs a trigger.")),
            WorkflowNames.Operations.Tick => Tick(operation.Context, roundId, record, operation.HasInput ? operation.GetInput<DateTimeOffset?>() : null),
            _ => throw new NotSupportedException($"The round entity has no operation '{operation.Name}'."),
        };

        if (!ReferenceEquals(updated, record))
        {
            operation.State.SetState(updated);
        }

        return ValueTask.FromResult<object?>(null);
    }

    private RoundRecord? Apply(TaskEntityContext context, string roundId, RoundRecord? record, RoundTrigger trigger)
    {
        var result = Decide(context, roundId, record, trigger);
        return result is null ? null : Arm(context, roundId, result);
    }

    /// <summary>Fires every timer that is due by the round's clock, then arms the next alarm.</summary>
    private RoundRecord? Tick(TaskEntityContext context, string roundId, RoundRecord? record, DateTimeOffset? rang)
    {
        if (record is null)
        {
            logger.LogInformation("An alarm woke round {RoundId}, which does not exist: nothing to do", roundId);
            return null;
        }

        var current = rang is { } instant && record.AlarmAt == instant ? record with { AlarmAt = null } : record;
        var tried = new HashSet<string>(StringComparer.Ordinal);
        for (var fired = 0; fired < MaxTimersPerTick; fired++)
        {
            var now = clock.Now;
            var due = current.Round.Timers
                .Where(t => t.DueAt <= now && !tried.Contains(t.TimerId))
                .OrderBy(t => t.DueAt)
                .ThenBy(t => t.TimerId, StringComparer.Ordinal)
                .FirstOrDefault();
            if (due is null)
            {
                break;
            }

            tried.Add(due.TimerId);
            current = Decide(context, roundId, current, FireTimer.For(due.TimerId))!;
        }

        return Arm(context, roundId, current, rang);
    }

    /// <summary>Decides one trigger and commits what it says; null only for a round that does not exist.</summary>
    private RoundRecord? Decide(TaskEntityContext context, string roundId, RoundRecord? record, RoundTrigger trigger)
    {
        using var span = WorkflowTelemetry.Source.StartActivity("round.transition");
        span?.SetTag("signoff.round_id", roundId);
        span?.SetTag("signoff.trigger", trigger.GetType().Name);
        span?.SetTag("signoff.trigger_id", trigger.TriggerId);
        var started = Stopwatch.GetTimestamp();
        var decision = process.Decide(record?.Round, trigger, clock.Now);
        var outcome = decision switch
        {
            RoundDecision.Accepted => "accepted",
            RoundDecision.AlreadyApplied => "already-applied",
            _ => "rejected",
        };
        span?.SetTag("signoff.outcome", outcome);
        var tags = new TagList { { "trigger", trigger.GetType().Name }, { "outcome", outcome } };
        WorkflowTelemetry.Transitions.Add(1, tags);
        WorkflowTelemetry.TransitionDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tags);

        switch (decision)
        {
            case RoundDecision.Accepted accepted:
                var next = record is null
                    ? new RoundRecord(accepted.State, 1, [], null)
                    : record with { Round = accepted.State, Transitions = record.Transitions + 1 };
                var effects = new TransitionEffects(roundId, next.Transitions, trigger.TriggerId, accepted.State, accepted.Events, accepted.Effects);
                context.ScheduleNewOrchestration(WorkflowNames.RoundEffects, effects,
                    new StartOrchestrationOptions(WorkflowNames.EffectsInstanceId(roundId, next.Transitions)));
                logger.LogInformation("{Trigger} {TriggerId} applied to round {RoundId}: transition {Transition}, {Events} events, {Effects} effects",
                    trigger.GetType().Name, trigger.TriggerId, roundId, next.Transitions, accepted.Events.Count, accepted.Effects.Count);
                return next;
            case RoundDecision.AlreadyApplied:
                logger.LogInformation("{Trigger} {TriggerId} was already applied to round {RoundId}: nothing changes", trigger.GetType().Name, trigger.TriggerId, roundId);
                return record;
            case RoundDecision.Rejected rejected:
                span?.SetTag("signoff.rejection", RoundProcess.Kebab(rejected.Code));
                logger.LogInformation("{Trigger} {TriggerId} refused by round {RoundId}: {Code} {Reason}", trigger.GetType().Name, trigger.TriggerId, roundId, rejected.Code, rejected.Message);
                return record?.Refused(new TriggerRefusal(trigger.TriggerId, rejected.Code, rejected.Message));
            default:
                throw new InvalidOperationException($"Unknown decision {decision.GetType().Name}.");
        }
    }

    /// <summary>Arms an alarm for the round's earliest timer, unless one that rings no later is armed (<see cref="AlarmRule"/>).</summary>
    /// <param name="context">The entity's context, to start the alarm.</param>
    /// <param name="roundId">The round.</param>
    /// <param name="record">The round as it now stands.</param>
    /// <param name="rang">The alarm that just rang, if this follows one: the next is never armed for the same instant.</param>
    private RoundRecord Arm(TaskEntityContext context, string roundId, RoundRecord record, DateTimeOffset? rang = null)
    {
        var earliest = record.Round.Timers.Count == 0 ? null : (DateTimeOffset?)record.Round.Timers.Min(t => t.DueAt);
        if (AlarmRule.Next(earliest, record.AlarmAt, rang, clock) is not { } wakeAt)
        {
            return record;
        }

        context.ScheduleNewOrchestration(WorkflowNames.RoundAlarm, new AlarmRequest(roundId, wakeAt),
            new StartOrchestrationOptions(WorkflowNames.AlarmInstanceId(roundId, wakeAt)));
        return record with { AlarmAt = wakeAt };
    }
}
