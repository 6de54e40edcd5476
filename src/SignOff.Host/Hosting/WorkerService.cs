using SignOff.Storage.Execution;

namespace SignOff.Host.Hosting;

/// <summary>
/// Runs the background work in-process when SignOff is not under the Functions host: polls the
/// queues and sweeps timers and the outbox.
/// </summary>
/// <remarks>
/// Polling backs off when queues are empty (up to a few seconds) to keep idle storage
/// transactions low, and every pass is independent, so a crash at any point loses nothing:
/// whatever was in flight comes back through the queue or the sweepers.
/// </remarks>
public sealed class WorkerService(IServiceProvider services, SignOffOptions options, ILogger<WorkerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = services.GetRequiredService<Workers>();
        var idle = TimeSpan.FromMilliseconds(200);
        var lastSweep = DateTimeOffset.MinValue;
        logger.LogInformation("Background workers started: polling queues, sweeping every {Interval}", options.SweepInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var handled = await workers.PollTriggersAsync(16, stoppingToken) + await workers.PollEffectsAsync(16, stoppingToken);
                if (DateTimeOffset.UtcNow - lastSweep >= options.SweepInterval)
                {
                    // Real time, not the round clock: the sweep cadence is about load, not about rounds.
                    lastSweep = DateTimeOffset.UtcNow;
                    handled += await workers.SweepTimersAsync(100, stoppingToken) + await workers.SweepOutboxAsync(100, stoppingToken);
                }

                idle = handled > 0 ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromMilliseconds(Math.Min(idle.TotalMilliseconds * 2, 5000));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Background pass failed; retrying shortly");
                idle = TimeSpan.FromSeconds(5);
            }

            try
            {
                await Task.Delay(idle, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
