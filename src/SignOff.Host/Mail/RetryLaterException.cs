namespace SignOff.Host.Mail;

/// <summary>
/// Thrown by an effect handler when the far side asked us to come back later (HTTP 429 or 503
/// with <c>Retry-After</c>): the message is hidden for that long instead of the usual back-off.
/// </summary>
public sealed class RetryLaterException : Exception
{
    /// <summary>The longest a message is hidden for, whatever the far side asks.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    public RetryLaterException(TimeSpan after, string message)
        : base(message) => After = after < TimeSpan.Zero ? TimeSpan.Zero : after > Longest ? Longest : after;

    public RetryLaterException()
        : this(TimeSpan.FromMinutes(1), "Retry later.")
    {
    }

    public RetryLaterException(string message)
        : this(TimeSpan.FromMinutes(1), message)
    {
    }

    public RetryLaterException(string message, Exception innerException)
        : base(message, innerException) => After = TimeSpan.FromMinutes(1);

    /// <summary>How long to wait before trying again.</summary>
    public TimeSpan After { get; }
}
