using SignOff.Storage.Rounds;
using SignOff.Workflow.Effects;

namespace SignOff.Host.Durable;

/// <summary>The read side the effects orchestration writes: the rounds table lists, digests and the audit log read.</summary>
public sealed class TableRoundProjection(RoundReadModel rounds) : IRoundProjection
{
    public Task RecordAsync(TransitionRecord transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        return rounds.ProjectAsync(transition.TriggerId, transition.State, transition.Events, cancellationToken);
    }
}
