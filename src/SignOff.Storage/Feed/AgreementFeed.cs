using SignOff.Storage.Agreements;

namespace SignOff.Storage.Feed;

/// <summary>Feeds an agreement's history into the <see cref="EventFeed"/>, as the stream <see cref="FeedStreams.Agreement"/>.</summary>
public static class AgreementFeed
{
    private const int ReadPerStep = 500;

    /// <summary>
    /// Appends the agreement's events that the feed does not have yet, up to the first one the read
    /// side has not recorded: called after each of its transitions is projected.
    /// </summary>
    /// <remarks>
    /// For the reasons <see cref="RoundFeed.CatchUpRoundAsync"/> gives: a gap waits for the
    /// transition before it, and the feed's watermark makes a retried catch-up append nothing twice.
    /// No backfill is needed: agreements are fed from their first transition on.
    /// </remarks>
    /// <returns>How many events were appended.</returns>
    public static async Task<int> CatchUpAgreementAsync(this EventFeed feed, AgreementReadModel agreements, string agreementId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(agreements);
        var total = 0;
        while (true)
        {
            var appended = await feed.CatchUpAsync(FeedStreams.Agreement, agreementId, async (after, ct) =>
                [.. (await agreements.ReadEventsAsync(agreementId, after + 1, ReadPerStep, ct)).Select(e => FeedEvent.Of(e.Sequence, e.Event))], cancellationToken);
            total += appended;
            if (appended < ReadPerStep)
            {
                return total;
            }
        }
    }
}
