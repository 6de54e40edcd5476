using SignOff.Core.Definitions;

namespace SignOff.Host.Calendars;

/// <summary>Settings of reading partners' published meeting calendars (section <c>Calendars</c>).</summary>
public sealed record CalendarOptions
{
    /// <summary>How long a feed has to answer, headers and body together.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The largest feed read, in bytes: a committee system's feed is tens of kilobytes; anything far larger is not one.</summary>
    public long MaxBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>Development only: accept http:// feeds (production accepts https only).</summary>
    public bool AllowHttp { get; init; }

    /// <summary>Development only: hosts that may be local (a test's own feed on loopback).</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>The policy a definition's calendar addresses are checked against: the development allowances count only in Development.</summary>
    public CalendarFeedPolicy PolicyFor(bool development) =>
        development ? new CalendarFeedPolicy(AllowHttp, AllowedHosts) : CalendarFeedPolicy.Strict;
}
