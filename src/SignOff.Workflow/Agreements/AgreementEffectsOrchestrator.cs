using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Core.Wording;
using SignOff.Workflow.Effects;

namespace SignOff.Workflow.Agreements;

/// <summary>
/// An agreement transition's aftermath: records it for the read side (and so the event feed),
/// then performs its effects side by side, each on <see cref="EffectRetryPolicy"/>.
/// </summary>
/// <remarks>
/// <para>Thin and short-lived for the reasons <see cref="RoundEffectsOrchestrator"/> gives;
/// changing the order or number of its calls breaks instances in flight.</para>
/// <para>An effect that still fails after every retry is logged as an error, named in the
/// outcome, and recorded in the agreement's own history (a <see cref="RecordAgreementDeliveryFailure"/>
/// signal to its entity), where the coordinator sees it with the agreement — as a round records
/// its own.</para>
/// </remarks>
public sealed class AgreementEffectsOrchestrator(EffectRetryPolicy policy) : TaskOrchestrator<AgreementTransitionEffects, EffectsOutcome>
{
    public override async Task<EffectsOutcome> RunAsync(TaskOrchestrationContext context, AgreementTransitionEffects input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<AgreementEffectsOrchestrator>();
        await context.CallActivityAsync<bool>(WorkflowNames.RecordAgreementTransition,
            new AgreementTransitionRecord(input.AgreementId, input.Transition, input.TriggerId, input.EventCount, input.State, input.Events), EffectRetries.For(policy));

        var work = input.Effects
            .Select(effect => (Effect: effect, Task: context.CallActivityAsync<bool>(WorkflowNames.PerformAgreementEffect,
                new AgreementEffectWork(input.AgreementId, input.TriggerId, effect), EffectRetries.For(policy))))
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
                logger.LogError("Agreement {AgreementId}: effect {EffectId} ({Kind}) of trigger {TriggerId} failed after every retry: {Failure}",
                    input.AgreementId, effect.EffectId, PerformAgreementEffectActivity.Describe(effect), input.TriggerId, ex.FailureDetails.ErrorMessage);

                // After every activity is scheduled, so instances that started before this signal existed replay the same calls.
                await context.Entities.SignalEntityAsync(WorkflowNames.AgreementEntityId(input.AgreementId), WorkflowNames.Operations.Apply,
                    new RecordAgreementDeliveryFailure(WorkflowNames.FailureTriggerId($"{context.InstanceId}:{effect.EffectId}"), FailureOf(effect, ex.FailureDetails.ErrorMessage)));
            }
        }

        return new EffectsOutcome(work.Count - failed.Count, failed);
    }

    /// <summary>An effect given up, as the agreement's history records it.</summary>
    public static DeliveryFailure FailureOf(AgreementEffect effect, string reason)
    {
        ArgumentNullException.ThrowIfNull(effect);
        return effect switch
        {
            SendAgreementNotice n => new(DeliveryChannel.Email, effect.EffectId, $"{Words.Name(n.Notice.Kind)} email",
                string.Join(", ", n.Notice.To.Select(r => r.Person.Email)), reason),
            PublishAgreementWebhook w => new(DeliveryChannel.Webhook, effect.EffectId, $"{w.Type} event", "its webhook subscribers", reason),
            _ => new(DeliveryChannel.Email, effect.EffectId, effect.GetType().Name, "its recipients", reason),
        };
    }
}

/// <summary>Writes an agreement's transition to the read side.</summary>
public sealed class RecordAgreementTransitionActivity(IAgreementProjection projection) : TaskActivity<AgreementTransitionRecord, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, AgreementTransitionRecord input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await projection.RecordAsync(input, CancellationToken.None);
        return true;
    }
}

/// <summary>Performs one agreement effect.</summary>
public sealed class PerformAgreementEffectActivity(IAgreementEffectPerformer performer) : TaskActivity<AgreementEffectWork, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, AgreementEffectWork input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var span = WorkflowTelemetry.Source.StartActivity("agreement.effect.perform");
        span?.SetTag("signoff.agreement_id", input.AgreementId);
        span?.SetTag("signoff.effect_id", input.Effect.EffectId);
        span?.SetTag("signoff.effect", Describe(input.Effect));
        await performer.PerformAsync(input, CancellationToken.None);
        WorkflowTelemetry.Effects.Add(1, new KeyValuePair<string, object?>("kind", Describe(input.Effect)));
        return true;
    }

    /// <summary>What an effect is, in a word: the email's kind or the webhook event's type.</summary>
    public static string Describe(AgreementEffect effect) => effect switch
    {
        SendAgreementNotice n => "agreement-" + Core.Rounds.RoundProcess.Kebab(n.Notice.Kind),
        PublishAgreementWebhook w => w.Type,
        _ => effect.GetType().Name,
    };
}
