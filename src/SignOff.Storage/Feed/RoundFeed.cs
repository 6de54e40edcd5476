using SignOff.Storage.Rounds;

namespace SignOff.Storage.Feed;

/// <summary>Feeds a round's audit log into the <see cref="EventFeed"/>.</summary>
public static class RoundFeed
{
    /// <summary>Events read from a round's log per catch-up step; a longer backlog takes further steps.</summary>
    private const int ReadPerStep = 500;

    /// <summary>The mark a finished <see cref="BackfillAsync"/> leaves in the feed.</summary>
    private const string Backfilled = "backfill:rounds";

    /// <summary>
    /// Once per feed: every stored round caught up, so rounds recorded before the feed existed
    /// (and untouched since) are in it too.
    /// </summary>
    /// <remarks>
    /// Why at all: a round is otherwise fed only when one of its transitions is projected, and an
    /// effective or cancelled round may never have another. Why once: it reads every round, which
    /// a host that starts often (a Functions instance scaling out) should not pay each time; the
    /// mark is written only after every round is caught up, so a start that dies half-way leaves
    /// it to the next. Running it on several instances at once is safe: catching up is idempotent.
    /// </remarks>
    /// <returns>How many events were appended (0 when the backfill was already done).</returns>
    public static async Task<int> BackfillAsync(this EventFeed feed, RoundReadModel rounds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(rounds);
        if (await feed.IsDoneAsync(Backfilled, cancellationToken))
        {
            return 0;
        }

        var total = 0;
        foreach (var round in await rounds.ListAsync(null, cancellationToken))
        {
            total += await feed.CatchUpRoundAsync(rounds, round.RoundId, cancellationToken);
        }

        await feed.MarkDoneAsync(Backfilled, cancellationToken);
        return total;
    }

    /// <summary>
    /// Appends the round's events that the feed does not have yet, up to the first one the read
    /// side has not recorded: called after each transition is projected.
    /// </summary>
    /// <remarks>
    /// Why stop at a gap: two transitions of a round can be projected out of order (each
    /// transition's effects run on their own). Appending transition 3 before 2 would put the
    /// round's events out of order in the feed, and appending 3 and later 2 would leave a reader
    /// at 3 believing it had 2. So 3 waits; when 2 is projected, its catch-up appends 2 and 3. The
    /// projection that writes last always sees every row before it, so nothing is left behind.
    /// </remarks>
    /// <returns>How many events were appended.</returns>
    public static async Task<int> CatchUpRoundAsync(this EventFeed feed, RoundReadModel rounds, string roundId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(rounds);
        var total = 0;
        while (true)
        {
            var appended = await feed.CatchUpAsync(FeedStreams.Round, roundId, async (after, ct) =>
                [.. (await rounds.ReadEventsFromTransitionAsync(roundId, after + 1, ReadPerStep, ct)).Select(e => FeedEvent.Of(e.Sequence, e.Event))], cancellationToken);
            total += appended;
            if (appended < ReadPerStep)
            {
                return total;
            }
        }
    }
}
