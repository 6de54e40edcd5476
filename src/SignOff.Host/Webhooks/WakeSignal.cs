namespace SignOff.Host.Webhooks;

/// <summary>
/// Lets a background worker sleep until it is woken or a wait runs out. Any number of wakes
/// while it works collapse into one: a single pass picks up everything that is due.
/// </summary>
public sealed class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    /// <summary>Wakes the worker (if already woken, nothing more happens).</summary>
    public void Wake()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <summary>Sleeps up to <paramref name="wait"/>; false when the host is stopping.</summary>
    public async Task<bool> SleepAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            return !stoppingToken.IsCancellationRequested;
        }

        try
        {
            await signal.WaitAsync(wait, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => signal.Dispose();
}
