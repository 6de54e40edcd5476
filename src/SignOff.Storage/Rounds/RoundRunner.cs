using SignOff.Core.Rounds;

namespace SignOff.Storage.Rounds;

/// <summary>
/// Applies a trigger to a stored round: load, decide, commit — and on a conflict, load and
/// decide again.
/// </summary>
/// <remarks>
/// Deciding is pure and cheap, so optimistic concurrency costs little: when twenty officers
/// decide in the same instant, each loser reloads the winner's snapshot and decides its own
/// trigger against it, so every decision counts and none is lost. A trigger that already
/// committed (a retried request, a redelivered message) is answered from the snapshot as
/// <see cref="RoundDecision.AlreadyApplied"/>.
/// </remarks>
public sealed class RoundRunner(TableRoundStore store, RoundProcess process, TimeProvider time)
{
    /// <summary>How many times to reload and decide again before giving up.</summary>
    public const int MaxAttempts = 50;

    private long conflicts;

    /// <summary>How many commits lost a race and were decided again (for telemetry and tests).</summary>
    public long Conflicts => Interlocked.Read(ref conflicts);

    /// <summary>Runs a trigger for a round (null state for <see cref="StartRound"/>).</summary>
    /// <exception cref="RoundConcurrencyException">Still conflicting after <see cref="MaxAttempts"/> attempts.</exception>
    public async Task<RoundDecision> RunAsync(string roundId, RoundTrigger trigger, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.LoadAsync(roundId, cancellationToken);
            var decision = process.Decide(stored?.State, trigger, time.GetUtcNow());
            if (decision is not RoundDecision.Accepted accepted)
            {
                return decision;
            }

            try
            {
                await store.CommitAsync(stored, trigger.TriggerId, accepted, cancellationToken);
                return accepted;
            }
            catch (RoundConcurrencyException) when (attempt < MaxAttempts)
            {
                Interlocked.Increment(ref conflicts);
                // Another writer moved first; back off a little (with jitter) so a crowd spreads out.
                // Wall-clock delay on purpose: the decision clock may be a manual one in development.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * Math.Min(attempt, 10))), cancellationToken);
            }
        }
    }
}
