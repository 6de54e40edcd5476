using SignOff.Storage.Agreements;
using SignOff.Storage.Feed;
using SignOff.Workflow.Agreements;

namespace SignOff.Host.Durable;

/// <summary>The register's read side the agreement effects orchestration writes: the agreements table, then the event feed's <c>agreement</c> stream.</summary>
/// <remarks>Rows first, feed after, in one activity, for the reason <see cref="TableRoundProjection"/> gives: a retry finds the rows and appends only what the feed lacks.</remarks>
public sealed class TableAgreementProjection(AgreementReadModel agreements, EventFeed feed) : IAgreementProjection
{
    public async Task RecordAsync(AgreementTransitionRecord transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        await agreements.ProjectAsync(transition.TriggerId, transition.EventCount, transition.State, transition.Events, cancellationToken);
        await feed.CatchUpAgreementAsync(agreements, transition.AgreementId, cancellationToken);
    }
}
