namespace SignOff.Core.Webhooks;

/// <summary>
/// When to try a webhook again: immediately, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
/// 20 h and 24 h — about three days in all — each delay jittered by up to ±20% so that receivers
/// coming back from an outage are not hit by every sender at once.
/// </summary>
public static class RetrySchedule
{
    /// <summary>The delay before each retry; attempt 1 is immediate, attempt n+1 follows <c>Delays[n-1]</c>.</summary>
    public static IReadOnlyList<TimeSpan> Delays { get; } =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
        TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20), TimeSpan.FromHours(24),
    ];

    /// <summary>How many attempts a delivery gets before it is given up.</summary>
    public static int MaxAttempts => Delays.Count + 1;

    /// <summary>The longest a receiver may ask us to wait (Retry-After) before we count it a plain failure.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    /// <summary>
    /// When to try next after <paramref name="attemptsMade"/> failed attempts, or null when they are used up.
    /// </summary>
    /// <param name="attemptsMade">Attempts so far (1 after the first failure).</param>
    /// <param name="now">The current instant.</param>
    /// <param name="jitter">A number in [0, 1) from the caller's random source: 0.5 means no jitter.</param>
    /// <param name="retryAfter">A Retry-After the receiver asked for, honoured when longer than the schedule's delay.</param>
    public static DateTimeOffset? Next(int attemptsMade, DateTimeOffset now, double jitter, TimeSpan? retryAfter = null)
    {
        if (attemptsMade < 1 || attemptsMade >= MaxAttempts)
        {
            return null;
        }

        var delay = Delays[attemptsMade - 1] * (0.8 + (0.4 * Math.Clamp(jitter, 0, 1)));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < MaxRetryAfter ? asked : MaxRetryAfter;
        }

        return now + delay;
    }
}
