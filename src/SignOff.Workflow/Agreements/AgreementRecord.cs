using System.Collections.Immutable;
using SignOff.Core.Agreements;

namespace SignOff.Workflow.Agreements;

/// <summary>
/// The agreement entity's state: the agreement itself, and what the entity needs to run it.
/// </summary>
/// <remarks>
/// <para>As <see cref="Rounds.RoundRecord"/>: years of an agreement's life live here as data,
/// not in an orchestrator's history, and a field added later must have a default so a record
/// written by an earlier version still loads.</para>
/// <para><see cref="EventCount"/> numbers the agreement's events for the read side and the event
/// feed (the core's state does not count them): the last event of transition n has sequence
/// <see cref="EventCount"/> as it stood after n.</para>
/// <para><see cref="Refusals"/> exists for the person waiting on an answer, as for rounds: a
/// trigger validated on the HTTP side may still be refused when the entity reaches it.</para>
/// </remarks>
/// <param name="Agreement">The agreement's state: the truth.</param>
/// <param name="Transitions">Accepted transitions so far; numbers each transition's effects orchestration.</param>
/// <param name="EventCount">Events recorded so far.</param>
/// <param name="Refusals">The latest triggers the entity refused, newest last.</param>
/// <param name="AlarmAt">The real instant of the earliest alarm armed and not yet rung, if any.</param>
public sealed record AgreementRecord(AgreementState Agreement, long Transitions, long EventCount, ImmutableList<AgreementRefusal>? Refusals = null, DateTimeOffset? AlarmAt = null)
{
    /// <summary>The latest refusals (never null).</summary>
    public ImmutableList<AgreementRefusal> Refusals { get; init; } = Refusals ?? [];

    /// <summary>How many refusals are kept.</summary>
    public const int RefusalsKept = 64;

    /// <summary>The refusal of a trigger, if the entity refused it.</summary>
    public AgreementRefusal? RefusalOf(string triggerId) => Refusals.FindLast(r => r.TriggerId == triggerId);

    /// <summary>True when the agreement applied the trigger.</summary>
    public bool Applied(string triggerId) => Agreement.ProcessedTriggers.Contains(triggerId);

    /// <summary>This record with one more refusal, the oldest dropped past <see cref="RefusalsKept"/>.</summary>
    public AgreementRecord Refused(AgreementRefusal refusal)
    {
        var kept = Refusals.Add(refusal);
        return this with { Refusals = kept.Count > RefusalsKept ? kept.RemoveRange(0, kept.Count - RefusalsKept) : kept };
    }
}

/// <summary>A trigger the agreement entity refused, and why.</summary>
public sealed record AgreementRefusal(string TriggerId, AgreementRejectionCode Code, string Message);

/// <summary>One accepted transition of an agreement, as its entity hands it to the effects orchestration.</summary>
/// <param name="AgreementId">The agreement.</param>
/// <param name="Transition">The transition's number (1 for the opening).</param>
/// <param name="TriggerId">The trigger that was applied.</param>
/// <param name="EventCount">The agreement's events after it: the last of <paramref name="Events"/> has this sequence.</param>
/// <param name="State">The agreement as the transition left it (the read side's snapshot).</param>
/// <param name="Events">The transition's events, in order.</param>
/// <param name="Effects">The emails and webhooks to perform, each with its own id.</param>
public sealed record AgreementTransitionEffects(string AgreementId, long Transition, string TriggerId, long EventCount, AgreementState State,
    ImmutableList<AgreementEvent> Events, ImmutableList<AgreementEffect> Effects);

/// <summary>What the read side records of an agreement's transition.</summary>
public sealed record AgreementTransitionRecord(string AgreementId, long Transition, string TriggerId, long EventCount, AgreementState State, ImmutableList<AgreementEvent> Events);

/// <summary>One agreement effect to perform, with the agreement and trigger it belongs to.</summary>
public sealed record AgreementEffectWork(string AgreementId, string TriggerId, AgreementEffect Effect);

/// <summary>The register's read side: where an agreement's transitions are recorded for the list, the history and the event feed.</summary>
/// <remarks>Idempotent by agreement and sequence (an activity runs at least once), never moving a snapshot backwards.</remarks>
public interface IAgreementProjection
{
    /// <summary>Records a transition's events and, unless a later one is already recorded, its snapshot.</summary>
    Task RecordAsync(AgreementTransitionRecord transition, CancellationToken cancellationToken);
}

/// <summary>Performs one agreement effect in the world, under the same rules as <see cref="Effects.IEffectPerformer"/> (at least once; a ledger keeps an email to one send).</summary>
public interface IAgreementEffectPerformer
{
    /// <summary>Performs the effect, or finds it already done.</summary>
    Task PerformAsync(AgreementEffectWork work, CancellationToken cancellationToken);
}
