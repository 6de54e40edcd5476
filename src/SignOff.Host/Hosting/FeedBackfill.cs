using SignOff.Storage.Feed;
using SignOff.Storage.Rounds;

namespace SignOff.Host.Hosting;

/// <summary>Puts rounds recorded before the event feed existed into it, once, in the background after start-up.</summary>
/// <remarks>
/// In the background so a start is never held up by it; a failure is logged and left to the next
/// start (the feed marks the backfill done only when it finished: see <see cref="RoundFeed.BackfillAsync"/>).
/// </remarks>
public sealed class FeedBackfill(EventFeed feed, RoundReadModel rounds, ILogger<FeedBackfill> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var appended = await feed.BackfillAsync(rounds, stoppingToken);
            if (appended > 0)
            {
                logger.LogInformation("Event feed: {Count} events of rounds recorded before the feed were appended to it", appended);
            }
        }
        catch (Azure.RequestFailedException ex)
        {
            logger.LogWarning(ex, "Event feed: the backfill of earlier rounds failed; the next start tries again");
        }
    }
}
