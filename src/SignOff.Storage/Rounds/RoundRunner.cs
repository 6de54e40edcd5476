using System.Diagnostics;
using SignOff.Core.Rounds;
using SignOff.Storage.Execution;

namespace SignOff.Storage.Rounds;

/// <summary>
/// Applies a trigger to a stored round: load, decide, commit — and on a conflict, load and
/// decide again. Then hands the effects to the dispatch queue.
/// </summary>
/// <remarks>
/// <para>Deciding is pure and cheap, so optimistic concurrency costs little: when twenty officers
/// decide in the same instant, each loser reloads the winner's snapshot and decides its own
/// trigger against it, so every decision counts and none is lost. A trigger that already
/// committed (a retried request, a redelivered message) is answered from the snapshot as
/// <see cref="RoundDecision.AlreadyApplied"/>.</para>
/// <para>Order matters for crash safety: the timer and outbox index entries are written before
/// the commit (a crash leaves a harmless stale hint), the effects message after it (a crash
/// before it leaves the outbox row for the sweeper to find through the index).</para>
/// </remarks>
public sealed class RoundRunner(TableRoundStore store, RoundProcess process, TimeProvider time, ExecutionIndexes? indexes = null, EffectHandoff? effects = null, WallClock? wall = null)
{
    /// <summary>How many times to reload and decide again before giving up.</summary>
    public const int MaxAttempts = 50;

    private long conflicts;

    /// <summary>How many commits lost a race and were decided again (for telemetry and tests).</summary>
    public long Conflicts => Interlocked.Read(ref conflicts);

    /// <summary>A test hook: runs after the hints are written and before the commit, to let a sweep in there.</summary>
    internal Func<Task>? BeforeCommit { get; set; }

    /// <summary>A test hook: runs after the commit and before the effects are enqueued, to simulate a crash there.</summary>
    internal Func<Task>? AfterCommit { get; set; }

    /// <summary>Runs a trigger for a round (null state for <see cref="StartRound"/>).</summary>
    /// <exception cref="RoundConcurrencyException">Still conflicting after <see cref="MaxAttempts"/> attempts.</exception>
    public Task<RoundDecision> RunAsync(string roundId, RoundTrigger trigger, CancellationToken cancellationToken = default) =>
        RunAsync(roundId, _ => trigger, cancellationToken);

    /// <summary>
    /// Runs a trigger built from the round as loaded (null when it does not exist) — e.g. a
    /// decision on "the current version" — so the caller need not load the round first. The
    /// factory is called again after a conflict and must give the same trigger id every time.
    /// </summary>
    public async Task<RoundDecision> RunAsync(string roundId, Func<RoundState?, RoundTrigger> make, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(make);
        using var activity = Telemetry.Source.StartActivity("round.transition");
        activity?.SetTag("signoff.round_id", roundId);
        var started = Stopwatch.GetTimestamp();
        var (decision, trigger) = await DecideAndCommitAsync(roundId, make, activity, cancellationToken);
        activity?.SetTag("signoff.trigger", trigger.GetType().Name);
        activity?.SetTag("signoff.trigger_id", trigger.TriggerId);
        var outcome = decision switch
        {
            RoundDecision.Accepted => "accepted",
            RoundDecision.AlreadyApplied => "already-applied",
            _ => "rejected",
        };
        activity?.SetTag("signoff.outcome", outcome);
        if (decision is RoundDecision.Rejected rejected)
        {
            activity?.SetTag("signoff.rejection", RoundProcess.Kebab(rejected.Code));
        }

        var tags = new TagList { { "trigger", trigger.GetType().Name }, { "outcome", outcome } };
        Telemetry.Transitions.Add(1, tags);
        Telemetry.TransitionDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tags);
        return decision;
    }

    private async Task<(RoundDecision Decision, RoundTrigger Trigger)> DecideAndCommitAsync(string roundId, Func<RoundState?, RoundTrigger> make, Activity? activity, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            activity?.SetTag("signoff.attempts", attempt);
            var stored = await store.LoadAsync(roundId, cancellationToken);
            var now = time.GetUtcNow();
            var trigger = make(stored?.State);
            var decision = process.Decide(stored?.State, trigger, now);
            if (decision is not RoundDecision.Accepted accepted)
            {
                return (decision, trigger);
            }

            if (indexes is not null)
            {
                await indexes.AddHintsAsync(roundId, accepted.Events.OfType<TimerScheduled>().Select(t => t.Timer),
                    accepted.Effects.IsEmpty ? null : trigger.TriggerId, (wall ?? WallClock.System).UtcNow, cancellationToken);
            }

            if (BeforeCommit is not null)
            {
                await BeforeCommit();
            }

            try
            {
                await store.CommitAsync(stored, trigger.TriggerId, accepted, cancellationToken);
            }
            catch (RoundConcurrencyException) when (attempt < MaxAttempts)
            {
                Interlocked.Increment(ref conflicts);
                Telemetry.Conflicts.Add(1);

                // Another writer moved first; back off a little, with jitter, so a crowd spreads out.
                // Wall-clock delay on purpose: the decision clock may be a manual one in development.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * Math.Min(attempt, 10))), cancellationToken);
                continue;
            }

            if (AfterCommit is not null)
            {
                await AfterCommit();
            }

            if (effects is not null && !accepted.Effects.IsEmpty)
            {
                await effects.SendAsync(new EffectMessage(roundId, trigger.TriggerId), cancellationToken);
            }

            return (accepted, trigger);
        }
    }
}
