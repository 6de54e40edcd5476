using Microsoft.DurableTask;
using SignOff.Core.Rounds;

namespace SignOff.Workflow.Effects;

/// <summary>Writes a transition to the read side.</summary>
public sealed class RecordTransitionActivity(IRoundProjection projection) : TaskActivity<TransitionRecord, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TransitionRecord input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await projection.RecordAsync(input, CancellationToken.None);
        return true;
    }
}

/// <summary>Performs one effect.</summary>
public sealed class PerformEffectActivity(IEffectPerformer performer) : TaskActivity<EffectWork, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, EffectWork input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var span = WorkflowTelemetry.Source.StartActivity("effect.perform");
        span?.SetTag("signoff.round_id", input.RoundId);
        span?.SetTag("signoff.effect_id", input.Effect.EffectId);
        span?.SetTag("signoff.effect", Describe(input.Effect));
        await performer.PerformAsync(input, CancellationToken.None);
        WorkflowTelemetry.Effects.Add(1, new KeyValuePair<string, object?>("kind", Describe(input.Effect)));
        return true;
    }

    /// <summary>What an effect is, in a word: the email's kind or the webhook event's type.</summary>
    public static string Describe(RoundEffect effect) => effect switch
    {
        SendNotification n => RoundProcess.Kebab(n.Notification.Kind),
        PublishWebhook w => w.Event.Type,
        _ => effect.GetType().Name,
    };
}
