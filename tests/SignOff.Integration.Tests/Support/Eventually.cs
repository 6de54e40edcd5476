namespace SignOff.Integration.Tests.Support;

/// <summary>Waiting for what follows an answer: effects (emails, the register, webhooks) run after the request that caused them.</summary>
public static class Eventually
{
    /// <summary>Reads until the condition holds, every 200 ms for at most thirty seconds; the last value read either way, for the test to assert on.</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            var value = await read();
            if (done(value) || System.Diagnostics.Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
            {
                return value;
            }

            await Task.Delay(200, ct);
        }
    }
}
