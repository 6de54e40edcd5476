using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Workflow.Time;

namespace SignOff.Workflow.Agreements;

/// <summary>
/// One agreement in the register, as a durable entity: applies triggers through the pure
/// <see cref="AgreementProcess"/> and, in the same commit, starts the transition's effects and
/// arms the agreement's alarm.
/// </summary>
/// <remarks>
/// <para>The same shape as <see cref="Rounds.RoundEntity"/>, for the same reasons.</para>
/// <para><b>One operation at a time.</b> A notice given while a review is recorded is decided
/// against the state the other left. A duplicate trigger is recognised from
/// <see cref="AgreementState.ProcessedTriggers"/> and changes nothing — which is what makes the
/// round's effect that opens the agreement safe to retry.</para>
/// <para><b>Atomicity.</b> The new state and the messages an operation sends (the effects
/// orchestration's start, an alarm's start) are committed together by the backend; the Azure
/// Storage backend sends first and checkpoints after, so a crash in between sends again, and
/// both orchestrations have ids derived from the agreement and the transition (or the alarm's
/// instant): the second start is dropped.</para>
/// <para><b>Time.</b> Entities are not replayed, so reading the injected clock here is safe. The
/// pending timers (a review months ahead, a notice running out) are in the state; an alarm only
/// wakes the agreement, which fires whatever is due by its own clock.</para>
/// <para><b>Nothing buffered for an agreement that does not exist.</b> Any trigger but an
/// opening for an agreement without state is refused and leaves no state behind.</para>
/// </remarks>
public sealed class AgreementEntity(AgreementProcess process, WorkflowClock clock, ILogger<AgreementEntity> logger) : ITaskEntity
{
    /// <summary>How many due timers one tick fires at most.</summary>
    public const int MaxTimersPerTick = 500;

    public ValueTask<object?> RunAsync(TaskEntityOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var agreementId = operation.Context.Id.Key;
        var record = operation.State.GetState<AgreementRecord>();
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["AgreementId"] = agreementId });
        var updated = operation.Name.ToLowerInvariant() switch
        {
            WorkflowNames.Operations.Apply => Apply(operation.Context, agreementId, record, operation.GetInput<AgreementTrigger>()
                ?? throw new InvalidOperationException("The apply operation needs a trigger.")),
            WorkflowNames.Operations.Tick => Tick(operation.Context, agreementId, record, operation.HasInput ? operation.GetInput<DateTimeOffset?>() : null),
            _ => throw new NotSupportedException($"The agreement entity has no operation '{operation.Name}'."),
        };

        if (!ReferenceEquals(updated, record))
        {
            operation.State.SetState(updated);
        }

        return ValueTask.FromResult<object?>(null);
    }

    private AgreementRecord? Apply(TaskEntityContext context, string agreementId, AgreementRecord? record, AgreementTrigger trigger)
    {
        var result = Decide(context, agreementId, record, trigger);
        return result is null ? null : Arm(context, agreementId, result);
    }

    /// <summary>Fires every timer that is due by the agreement's clock, then arms the next alarm.</summary>
    private AgreementRecord? Tick(TaskEntityContext context, string agreementId, AgreementRecord? record, DateTimeOffset? rang)
    {
        if (record is null)
        {
            logger.LogInformation("An alarm woke agreement {AgreementId}, which is not in the register: nothing to do", agreementId);
            return null;
        }

        var current = rang is { } instant && record.AlarmAt == instant ? record with { AlarmAt = null } : record;
        var tried = new HashSet<string>(StringComparer.Ordinal);
        for (var fired = 0; fired < MaxTimersPerTick; fired++)
        {
            var now = clock.Now;
            var due = current.Agreement.Timers
                .Where(t => t.DueAt <= now && !tried.Contains(t.TimerId))
                .OrderBy(t => t.DueAt)
                .ThenBy(t => t.TimerId, StringComparer.Ordinal)
                .FirstOrDefault();
            if (due is null)
            {
                break;
            }

            tried.Add(due.TimerId);
            current = Decide(context, agreementId, current, FireAgreementTimer.For(due.TimerId))!;
        }

        return Arm(context, agreementId, current, rang);
    }

    /// <summary>Decides one trigger and commits what it says; null only for an agreement that does not exist.</summary>
    private AgreementRecord? Decide(TaskEntityContext context, string agreementId, AgreementRecord? record, AgreementTrigger trigger)
    {
        using var span = WorkflowTelemetry.Source.StartActivity("agreement.transition");
        span?.SetTag("signoff.agreement_id", agreementId);
        span?.SetTag("signoff.trigger", trigger.GetType().Name);
        span?.SetTag("signoff.trigger_id", trigger.TriggerId);
        var started = Stopwatch.GetTimestamp();
        var decision = process.Decide(record?.Agreement, trigger, clock.Now);
        var outcome = decision switch
        {
            AgreementDecision.Accepted => "accepted",
            AgreementDecision.AlreadyApplied => "already-applied",
            _ => "rejected",
        };
        span?.SetTag("signoff.outcome", outcome);
        var tags = new TagList { { "trigger", trigger.GetType().Name }, { "outcome", outcome } };
        WorkflowTelemetry.Transitions.Add(1, tags);
        WorkflowTelemetry.TransitionDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tags);

        switch (decision)
        {
            case AgreementDecision.Accepted accepted:
                var next = record is null
                    ? new AgreementRecord(accepted.State, 1, accepted.Events.Count)
                    : record with { Agreement = accepted.State, Transitions = record.Transitions + 1, EventCount = record.EventCount + accepted.Events.Count };
                var effects = new AgreementTransitionEffects(agreementId, next.Transitions, trigger.TriggerId, next.EventCount, accepted.State, accepted.Events, accepted.Effects);
                context.ScheduleNewOrchestration(WorkflowNames.AgreementEffects, effects,
                    new StartOrchestrationOptions(WorkflowNames.AgreementEffectsInstanceId(agreementId, next.Transitions)));
                logger.LogInformation("{Trigger} {TriggerId} applied to agreement {AgreementId}: transition {Transition}, {Events} events, {Effects} effects",
                    trigger.GetType().Name, trigger.TriggerId, agreementId, next.Transitions, accepted.Events.Count, accepted.Effects.Count);
                return next;
            case AgreementDecision.AlreadyApplied:
                logger.LogInformation("{Trigger} {TriggerId} was already applied to agreement {AgreementId}: nothing changes", trigger.GetType().Name, trigger.TriggerId, agreementId);
                return record;
            case AgreementDecision.Rejected rejected:
                span?.SetTag("signoff.rejection", RoundProcess.Kebab(rejected.Code));
                logger.LogInformation("{Trigger} {TriggerId} refused by agreement {AgreementId}: {Code} {Reason}", trigger.GetType().Name, trigger.TriggerId, agreementId, rejected.Code, rejected.Message);
                return record?.Refused(new AgreementRefusal(trigger.TriggerId, rejected.Code, rejected.Message));
            default:
                throw new InvalidOperationException($"Unknown decision {decision.GetType().Name}.");
        }
    }

    /// <summary>Arms an alarm for the agreement's earliest timer, by the rule rounds follow (<see cref="AlarmRule"/>).</summary>
    private AgreementRecord Arm(TaskEntityContext context, string agreementId, AgreementRecord record, DateTimeOffset? rang = null)
    {
        var earliest = record.Agreement.Timers.Count == 0 ? null : (DateTimeOffset?)record.Agreement.Timers.Min(t => t.DueAt);
        if (AlarmRule.Next(earliest, record.AlarmAt, rang, clock) is not { } wakeAt)
        {
            return record;
        }

        context.ScheduleNewOrchestration(WorkflowNames.RoundAlarm, new AlarmRequest(agreementId, wakeAt, WorkflowNames.AgreementEntity),
            new StartOrchestrationOptions(WorkflowNames.AgreementAlarmInstanceId(agreementId, wakeAt)));
        return record with { AlarmAt = wakeAt };
    }
}
