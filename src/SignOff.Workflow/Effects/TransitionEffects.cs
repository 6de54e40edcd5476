using System.Collections.Immutable;
using SignOff.Core.Rounds;

namespace SignOff.Workflow.Effects;

/// <summary>
/// One accepted transition, as the round entity hands it to its effects orchestration: what to
/// record for the read side and what to do in the world.
/// </summary>
/// <param name="RoundId">The round.</param>
/// <param name="Transition">The transition's number in the round (1 for the launch).</param>
/// <param name="TriggerId">The trigger that was applied.</param>
/// <param name="State">The round as the transition left it (the read side's snapshot).</param>
/// <param name="Events">The transition's events, in order; the last has sequence <c>State.EventCount</c>.</param>
/// <param name="Effects">The emails and webhooks to perform, each with its own id.</param>
public sealed record TransitionEffects(
    string RoundId,
    long Transition,
    string TriggerId,
    RoundState State,
    ImmutableList<RoundEvent> Events,
    ImmutableList<RoundEffect> Effects);

/// <summary>What the read side records of a transition.</summary>
public sealed record TransitionRecord(string RoundId, long Transition, string TriggerId, RoundState State, ImmutableList<RoundEvent> Events);

/// <summary>One effect to perform, with the round and trigger it belongs to.</summary>
public sealed record EffectWork(string RoundId, string TriggerId, RoundEffect Effect);
