using SignOff.Host.Hosting;

namespace SignOff.Host.Webhooks;

/// <summary>
/// Sends webhook deliveries in-process (off under the Functions host, whose timer trigger
/// sweeps instead): first attempts straight from the fan-out, retries on the sweep interval (or
/// at the earliest retry this process scheduled).
/// </summary>
public sealed class WebhookWorker(WebhookDispatcher dispatcher, SignOffOptions options, TimeProvider time, ILogger<WebhookWorker> logger) : BackgroundService
{
    private readonly WakeSignal wake = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        dispatcher.DeliveriesDue += wake.Wake;
        var firstAttempts = dispatcher.RunImmediateAttemptsAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    while (await dispatcher.SweepAsync(100, stoppingToken) > 0)
                    {
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Webhook sweep failed; retrying on the next interval");
                }

                // Sleep until the sweep interval, or the earliest retry this process scheduled (the first retry is only 5 s away).
                var wait = options.SweepInterval;
                if (dispatcher.TakeEarliestScheduled() is { } next)
                {
                    var untilNext = next - time.GetUtcNow() + TimeSpan.FromMilliseconds(100);
                    wait = untilNext < TimeSpan.Zero ? TimeSpan.Zero : untilNext < wait ? untilNext : wait;
                }

                if (!await wake.SleepAsync(wait, stoppingToken))
                {
                    break;
                }
            }
        }
        finally
        {
            dispatcher.DeliveriesDue -= wake.Wake;
            await firstAttempts;
        }
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
