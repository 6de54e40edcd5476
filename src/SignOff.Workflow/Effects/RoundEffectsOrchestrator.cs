using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using SignOff.Core.Rounds;
using SignOff.Core.Wording;

namespace SignOff.Workflow.Effects;

/// <summary>How often, and how far apart, an effect is tried before it is given up as failed.</summary>
/// <param name="Delays">The wait before each retry; one attempt more than there are delays.</param>
/// <param name="HeldDelay">The wait before trying an effect another worker holds again.</param>
/// <param name="HeldRetries">How many such waits, at most, besides the retries after failures (enough to outlast a dead worker's claim).</param>
public sealed record EffectRetryPolicy(IReadOnlyList<TimeSpan> Delays, TimeSpan HeldDelay, int HeldRetries)
{
    public EffectRetryPolicy(IReadOnlyList<TimeSpan> delays)
        : this(delays, TimeSpan.FromSeconds(15), 40)
    {
    }

    /// <summary>Nine attempts over about eight hours: an SMTP server down for a morning still gets its mail.</summary>
    public static EffectRetryPolicy Default { get; } = new([
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4)]);
}

/// <summary>What became of a transition's effects.</summary>
/// <param name="Performed">Effects performed (or found already done).</param>
/// <param name="Failed">Effect ids given up after every retry.</param>
public sealed record EffectsOutcome(int Performed, IReadOnlyList<string> Failed);

/// <summary>
/// A transition's aftermath: records it for the read side, then performs its effects side by side.
/// </summary>
/// <remarks>
/// <para>Short-lived and thin on purpose: it holds no round logic, so a deploy that changes it
/// strands nothing but the few transitions in flight, and those replay the same activity calls.
/// (Changing the order or number of calls here is what breaks in-flight instances: add a new
/// orchestration name instead, as <see cref="WorkflowNames"/> says.)</para>
/// <para>The read side is recorded first so the audit log never lags the emails it explains.
/// Effects are independent and run at once; each retries on <see cref="EffectRetryPolicy"/>
/// with durable timers, and one that still fails is logged as an error and named in the
/// outcome — the others are not held back by it.</para>
/// </remarks>
public sealed class RoundEffectsOrchestrator(EffectRetryPolicy policy) : TaskOrchestrator<TransitionEffects, EffectsOutcome>
{
    public override async Task<EffectsOutcome> RunAsync(TaskOrchestrationContext context, TransitionEffects input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<RoundEffectsOrchestrator>();
        await context.CallActivityAsync<bool>(WorkflowNames.RecordTransition,
            new TransitionRecord(input.RoundId, input.Transition, input.TriggerId, input.State, input.Events), Retries());

        var work = input.Effects
            .Select(effect => (Effect: effect, Task: context.CallActivityAsync<bool>(WorkflowNames.PerformEffect, new EffectWork(input.RoundId, input.TriggerId, effect), Retries())))
            .ToList();
        var failed = new List<string>();
        foreach (var (effect, task) in work)
        {
            try
            {
                await task;
            }
            catch (TaskFailedException ex)
            {
                failed.Add(effect.EffectId);
                logger.LogError("Round {RoundId}: effect {EffectId} ({Kind}) of trigger {TriggerId} failed after every retry: {Failure}",
                    input.RoundId, effect.EffectId, PerformEffectActivity.Describe(effect), input.TriggerId, ex.FailureDetails.ErrorMessage);

                // Visible where the coordinator looks, not only in the logs: the round records it.
                var failure = FailureOf(effect, ex.FailureDetails.ErrorMessage);
                await context.Entities.SignalEntityAsync(WorkflowNames.RoundEntityId(input.RoundId), WorkflowNames.Operations.Apply,
                    new ReportDeliveryFailure(WorkflowNames.FailureTriggerId($"{context.InstanceId}:{effect.EffectId}"), failure));
            }
        }

        return new EffectsOutcome(work.Count - failed.Count, failed);
    }

    /// <summary>An effect given up, as the round's audit log records it.</summary>
    public static DeliveryFailure FailureOf(RoundEffect effect, string reason) => effect switch
    {
        SendNotification n => new(DeliveryChannel.Email, effect.EffectId, $"{Words.Name(n.Notification.Kind)} email",
            string.Join(", ", n.Notification.To.Select(r => r.Person.Email)), reason),
        PublishWebhook w => new(DeliveryChannel.Webhook, effect.EffectId, $"{w.Event.Type} event", "its webhook subscribers", reason),
        CheckMeetingCalendar c => new(DeliveryChannel.Calendar, effect.EffectId, $"{c.Body} meetings", c.FeedUrl, reason),
        RecordInRegister r => new(DeliveryChannel.Register, effect.EffectId, $"{r.Agreement.Title} in the register", "the agreement register", reason),
        _ => new(DeliveryChannel.Email, effect.EffectId, effect.GetType().Name, "its recipients", reason),
    };

    private TaskOptions Retries() => EffectRetries.For(policy);
}
