using SignOff.Storage.Execution;

namespace SignOff.Host.Hosting;

/// <summary>
/// Runs the background work in-process when SignOff is not under the Functions host: dispatches
/// effects messages, and on the sweep interval fires due timers, re-dispatches stranded outbox
/// rows and reads the round-triggers queue.
/// </summary>
/// <remarks>
/// Idle costs transactions, and Azure bills each one, so an idle worker sleeps: it polls the
/// effects queue less and less often (up to <see cref="SignOffOptions.IdlePollMax"/>) and is woken
/// at once when this process enqueues effects. Most effects never touch the queue: this process's
/// own transitions hand their rows straight to its dispatchers (<see cref="EffectHandoff"/>).
/// Every pass is independent, so a crash at any point loses nothing: whatever was in flight comes
/// back through the queue or the sweepers.
/// </remarks>
public sealed class WorkerService(IServiceProvider services, SignOffOptions options, ILogger<WorkerService> logger) : BackgroundService
{
    private readonly WakeSignal wake = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = services.GetRequiredService<Workers>();
        var effects = services.GetRequiredService<WorkQueue<EffectMessage>>();
        effects.Sent += wake.Wake;
        var handoff = services.GetRequiredService<EffectHandoff>();
        var handedOver = DispatchHandedOverAsync(workers, handoff, stoppingToken);
        var idle = TimeSpan.Zero;
        var lastSweep = DateTimeOffset.MinValue;
        logger.LogInformation("Background workers started: effects on arrival (idle polls up to every {IdlePollMax}), sweeps every {Interval}",
            options.IdlePollMax, options.SweepInterval);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var handled = await workers.PollEffectsAsync(16, stoppingToken);

                    // Real time, not the round clock: the sweep cadence is about load, not about rounds.
                    if (DateTimeOffset.UtcNow - lastSweep >= options.SweepInterval)
                    {
                        lastSweep = DateTimeOffset.UtcNow;
                        handled += await workers.PollTriggersAsync(16, stoppingToken)
                            + await workers.SweepTimersAsync(100, stoppingToken)
                            + await workers.SweepOutboxAsync(100, stoppingToken);
                    }

                    idle = handled > 0
                        ? TimeSpan.Zero
                        : TimeSpan.FromMilliseconds(Math.Clamp(idle.TotalMilliseconds * 2, 250, options.IdlePollMax.TotalMilliseconds));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Background pass failed; retrying shortly");
                    idle = TimeSpan.FromSeconds(5);
                }

                var untilSweep = options.SweepInterval - (DateTimeOffset.UtcNow - lastSweep);
                if (!await wake.SleepAsync(idle < untilSweep ? idle : untilSweep, stoppingToken))
                {
                    break;
                }
            }
        }
        finally
        {
            effects.Sent -= wake.Wake;
            handoff.CloseLocal();
            await handedOver;
        }
    }

    /// <summary>Dispatches the rows this process's own transitions hand over, several at once, until stopped.</summary>
    private Task DispatchHandedOverAsync(Workers workers, EffectHandoff handoff, CancellationToken stoppingToken)
    {
        var rows = handoff.OpenLocal();
        var foreground = services.GetRequiredService<ForegroundWork>();
        return Task.WhenAll(Enumerable.Range(0, Workers.EffectParallelism).Select(lane => Task.Run(async () =>
        {
            try
            {
                while (await rows.WaitToReadAsync(stoppingToken))
                {
                    await foreground.GiveWayAsync(lane, stoppingToken);
                    if (!rows.TryRead(out var message))
                    {
                        continue;
                    }

                    try
                    {
                        await workers.HandleHandedOverAsync(message, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // Not even queued for a retry (storage unreachable?): the stranded-outbox sweeper finds the row.
                        logger.LogError(ex, "Effects of {TriggerId} for round {RoundId} could not be dispatched or queued", message.TriggerId, message.RoundId);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: rows not yet dispatched are in the outbox, for the sweeper.
            }
        }, CancellationToken.None)));
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
