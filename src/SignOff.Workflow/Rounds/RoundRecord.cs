using System.Collections.Immutable;
using SignOff.Core.Rounds;

namespace SignOff.Workflow.Rounds;

/// <summary>
/// The round entity's state: the round itself, and what the entity needs to run it.
/// </summary>
/// <remarks>
/// <para>Months-long state lives here as data, not in an orchestrator's history, so a deploy with
/// changed code never has to replay it. The shape is versioned as data: a field added later must
/// have a default, so a record written by an earlier version still loads (tested).</para>
/// <para><see cref="Refusals"/> exists for the people waiting on an answer: a trigger the HTTP
/// side validated may still be refused when the entity reaches it (the round moved in between),
/// and the waiter must be told why, not left to guess. Only the latest are kept.</para>
/// </remarks>
/// <param name="Round">The round's state: the truth.</param>
/// <param name="Transitions">Accepted transitions so far; numbers each transition's effects orchestration.</param>
/// <param name="Refusals">The latest triggers the entity refused, newest last.</param>
/// <param name="AlarmAt">The real instant of the earliest alarm armed and not yet rung, if any.</param>
public sealed record RoundRecord(RoundState Round, long Transitions, ImmutableList<TriggerRefusal>? Refusals = null, DateTimeOffset? AlarmAt = null)
{
    /// <summary>The latest refusals (never null: a record written before refusals were kept has none).</summary>
    public ImmutableList<TriggerRefusal> Refusals { get; init; } = Refusals ?? [];

    /// <summary>How many refusals are kept.</summary>
    public const int RefusalsKept = 64;

    /// <summary>The refusal of a trigger, if the entity refused it.</summary>
    public TriggerRefusal? RefusalOf(string triggerId) => Refusals.FindLast(r => r.TriggerId == triggerId);

    /// <summary>True when the round applied the trigger.</summary>
    public bool Applied(string triggerId) => Round.ProcessedTriggers.Contains(triggerId);

    /// <summary>This record with one more refusal, the oldest dropped past <see cref="RefusalsKept"/>.</summary>
    public RoundRecord Refused(TriggerRefusal refusal)
    {
        var kept = Refusals.Add(refusal);
        return this with { Refusals = kept.Count > RefusalsKept ? kept.RemoveRange(0, kept.Count - RefusalsKept) : kept };
    }
}

/// <summary>A trigger the round entity refused, and why.</summary>
public sealed record TriggerRefusal(string TriggerId, RejectionCode Code, string Message);
