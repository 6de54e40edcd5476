namespace SignOff.Workflow.Effects;

/// <summary>The read side: where transitions are recorded for lists, digests and the audit log.</summary>
/// <remarks>
/// Implementations must be idempotent by round and transition (an activity runs at least once)
/// and never move a round's snapshot backwards (two transitions' effects may run out of order).
/// </remarks>
public interface IRoundProjection
{
    /// <summary>Records a transition's events and, unless a later one is already recorded, its snapshot.</summary>
    Task RecordAsync(TransitionRecord transition, CancellationToken cancellationToken);
}

/// <summary>Performs one effect in the world: an email, a webhook fan-out.</summary>
/// <remarks>
/// Called at least once per effect: an email must go once per effect id and recipient however
/// often this is called (the implementation keeps a ledger), and a webhook fan-out must record
/// each subscription's delivery once. Throw to have the call retried on the orchestration's
/// policy; throw <see cref="EffectRefusedException"/> when retrying cannot help.
/// </remarks>
public interface IEffectPerformer
{
    /// <summary>Performs the effect, or finds it already done.</summary>
    Task PerformAsync(EffectWork work, CancellationToken cancellationToken);
}

/// <summary>An effect that cannot succeed however often it is tried (a mail provider refusing the account, say).</summary>
public sealed class EffectRefusedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Another worker holds the effect (it is sending it, or died while sending it and its claim has
/// not yet run out): not a failure, so it is tried again shortly, without using up the effect's
/// retries.
/// </summary>
public sealed class EffectHeldException(string message) : Exception(message);
