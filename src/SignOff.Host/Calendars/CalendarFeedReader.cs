using System.Net;
using System.Text;
using Ical.Net;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Core.Webhooks;
using SignOff.Host.Effects;

namespace SignOff.Host.Calendars;

/// <summary>A feed SignOff will not read: its address is not allowed, or what it sent is not a calendar. Trying again cannot help.</summary>
public sealed class CalendarFeedRefusedException(string message, Exception? inner = null) : HttpRequestException(message, inner);

/// <summary>The next meeting a published calendar lists for a body.</summary>
/// <param name="On">Its date, as the feed gives it.</param>
/// <param name="Uid">Its UID in the feed.</param>
/// <param name="Title">Its summary in the feed.</param>
public sealed record PublishedMeeting(DateOnly On, string? Uid, string? Title);

/// <summary>
/// Reads a partner's published meeting calendar (an iCalendar feed from its committee system) and
/// finds the next meeting of its deciding body within a window.
/// </summary>
/// <remarks>
/// <para>The address came from a round definition, so it is treated as hostile: checked against
/// the <see cref="CalendarFeedPolicy"/> again (the policy may have tightened since launch), and
/// connected to only through <see cref="CreateHandler"/>, which refuses any non-public address
/// the name resolves to at the moment of connecting (DNS rebinding), follows no redirect and uses
/// no proxy. The answer is bounded in time and size.</para>
/// <para>Meetings are single events, as committee systems publish them; recurrence rules are not
/// expanded. A meeting marked <c>STATUS:CANCELLED</c> does not count.</para>
/// </remarks>
public sealed class CalendarFeedReader(HttpClient http, CalendarOptions options, CalendarFeedPolicy policy)
{
    /// <summary>The next meeting of <see cref="CheckMeetingCalendar.Body"/> from the check's day to the due date, or null when none is listed.</summary>
    /// <exception cref="CalendarFeedRefusedException">The address is not allowed, or the answer is too large or not a calendar.</exception>
    /// <exception cref="HttpRequestException">The feed could not be reached or answered with an error (worth trying again).</exception>
    public async Task<PublishedMeeting?> NextMeetingAsync(CheckMeetingCalendar check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (policy.WhyRefused(check.FeedUrl) is { } why)
        {
            throw new CalendarFeedRefusedException($"{check.FeedUrl}: {why}.");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, check.FeedUrl);
            request.Headers.Accept.ParseAdd("text/calendar");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{check.FeedUrl} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
            }

            var text = await ReadAsync(response.Content, check.FeedUrl, deadline.Token);
            return NextMeeting(text, check.FeedUrl, check.Body, check.From, check.DueOn);
        }
        catch (HttpRequestException ex) when (ex is not CalendarFeedRefusedException && ex.InnerException is CalendarFeedRefusedException refused)
        {
            // The connection's own address check, wrapped by the handler: a refusal all the same, not worth retrying.
            throw new CalendarFeedRefusedException(refused.Message, ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"{check.FeedUrl} did not answer within {options.Timeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>The first meeting, by date, whose summary or location names the body (ignoring case), not cancelled, from <paramref name="from"/> to <paramref name="dueOn"/>.</summary>
    /// <exception cref="CalendarFeedRefusedException">The text is not an iCalendar calendar.</exception>
    public static PublishedMeeting? NextMeeting(string ics, string source, string body, DateOnly from, DateOnly dueOn)
    {
        ArgumentNullException.ThrowIfNull(body);
        Calendar? calendar;
        try
        {
            calendar = Calendar.Load(ics);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or System.Runtime.Serialization.SerializationException)
        {
            throw new CalendarFeedRefusedException($"{source} is not an iCalendar feed: {ex.Message}", ex);
        }

        if (calendar is null)
        {
            throw new CalendarFeedRefusedException($"{source} is not an iCalendar feed: it has no VCALENDAR.");
        }

        return calendar.Events
            .Where(e => e.DtStart is not null && !string.Equals(e.Status, "CANCELLED", StringComparison.OrdinalIgnoreCase))
            .Where(e => Names(e.Summary, body) || Names(e.Location, body))
            .Select(e => new PublishedMeeting(e.DtStart!.Date, e.Uid, e.Summary?.Trim()))
            .Where(m => m.On >= from && m.On <= dueOn)
            .OrderBy(m => m.On)
            .ThenBy(m => m.Uid, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>A handler that checks addresses as it connects, follows no redirects and uses no proxy.</summary>
    public static SocketsHttpHandler CreateHandler(CalendarFeedPolicy policy, TimeSpan connectTimeout)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return PublicConnections.Handler(connectTimeout, host => policy.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase),
            (host, address, why) => new CalendarFeedRefusedException($"'{host}' resolves to {address}, {why}: calendar feeds are fetched from public addresses only."));
    }

    private async Task<string> ReadAsync(HttpContent content, string source, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > options.MaxBytes)
        {
            throw new CalendarFeedRefusedException($"{source} sent {content.Headers.ContentLength} bytes; a calendar feed is read up to {options.MaxBytes}.");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > options.MaxBytes)
            {
                throw new CalendarFeedRefusedException($"{source} sent more than {options.MaxBytes} bytes; a calendar feed is read up to that.");
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static bool Names(string? text, string body) =>
        text is not null && text.Contains(body.Trim(), StringComparison.OrdinalIgnoreCase);
}
