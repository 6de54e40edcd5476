using SignOff.Storage.Feed;
using SignOff.Storage.Rounds;
using SignOff.Workflow.Effects;

namespace SignOff.Host.Durable;

/// <summary>The read side the effects orchestration writes: the rounds table lists, digests and the audit log read, and the event feed.</summary>
/// <remarks>
/// The feed is caught up after the round's rows are written, in the same activity: if the
/// process dies between the two, the activity is run again, the projection finds its rows
/// already there and the feed appends what it lacks (never twice: see <see cref="EventFeed"/>).
/// </remarks>
public sealed class TableRoundProjection(RoundReadModel rounds, EventFeed feed) : IRoundProjection
{
    public async Task RecordAsync(TransitionRecord transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        await rounds.ProjectAsync(transition.TriggerId, transition.State, transition.Events, cancellationToken);
        await feed.CatchUpRoundAsync(rounds, transition.State.RoundId, cancellationToken);
    }
}
