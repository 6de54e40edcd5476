using Microsoft.AspNetCore.Http;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Host.Calendars;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Host;

/// <summary>
/// Reading a published meeting calendar: which meeting counts, and what SignOff refuses to read
/// (a local address at connection time, an answer too large, something that is not a calendar).
/// Served from loopback only.
/// </summary>
public sealed class CalendarFeedReaderTests
{
    private static readonly DateOnly From = new(2021, 6, 2);
    private static readonly DateOnly Due = new(2021, 7, 30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Event(string uid, string start, string summary, string? location = null, string? status = null) => $"""
        BEGIN:VEVENT
        UID:{uid}
        DTSTAMP:20210501T090000Z
        DTSTART;TZID=Europe/London:{start}
        SUMMARY:{summary}
        {(location is null ? "" : $"LOCATION:{location}")}
        {(status is null ? "" : $"STATUS:{status}")}
        END:VEVENT
        """;

    private static string Feed(params string[] events) =>
        $"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Test//EN\n{string.Join("\n", events)}\nEND:VCALENDAR\n".Replace("\n\n", "\n", StringComparison.Ordinal).ReplaceLineEndings("\r\n");

    [Fact]
    public void The_first_meeting_naming_the_body_in_its_summary_or_location_within_the_window_counts_and_a_cancelled_one_does_not()
    {
        var feed = Feed(
            Event("a", "20210601T190000", "Full Council"), // the day before the window
            Event("b", "20210609T190000", "Extraordinary Full Council", status: "CANCELLED"),
            Event("c", "20210615T190000", "Planning Committee"),
            Event("d", "20210623T190000", "Annual meeting", location: "full council chamber"),
            Event("e", "20210630T190000", "Meeting of Full Council"),
            Event("f", "20210805T190000", "Full Council")); // after the due date

        var next = CalendarFeedReader.NextMeeting(feed, "test", "Full Council", From, Due);
        var afterJune = CalendarFeedReader.NextMeeting(feed, "test", "Full Council", new DateOnly(2021, 6, 24), Due);
        var none = CalendarFeedReader.NextMeeting(feed, "test", "Full Council", new DateOnly(2021, 7, 1), Due);

        Assert.Equal(new PublishedMeeting(new DateOnly(2021, 6, 23), "d", "Annual meeting"), next);
        Assert.Equal(new DateOnly(2021, 6, 30), afterJune?.On);
        Assert.Null(none);
    }

    [Fact]
    public void Something_that_is_not_a_calendar_is_refused()
    {
        var ex = Assert.Throws<CalendarFeedRefusedException>(() => CalendarFeedReader.NextMeeting("<html><body>Committee meetings</body></html>", "https://council.example/ical", "Full Council", From, Due));

        Assert.Contains("is not an iCalendar feed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_resolving_to_a_local_address_is_refused_as_the_connection_is_made_unless_allow_listed()
    {
        await using var council = await LoopbackServer.StartAsync(context => context.Response.WriteAsync(Feed(Event("e", "20210630T190000", "Full Council")), Ct));
        var url = council.LocalhostUrl("/ical");
        var check = new CheckMeetingCalendar("x.0000", "maldon", url, "Full Council", From, Due);
        // A policy that lets the address through (as one that resolved publicly at launch would be), so only the connection's own check stands.
        var lenient = new CalendarFeedPolicy(true, ["localhost"]);
        var options = new CalendarOptions { Timeout = TimeSpan.FromSeconds(5) };
        using var guarded = new HttpClient(CalendarFeedReader.CreateHandler(new CalendarFeedPolicy(true, []), options.Timeout));
        using var allowed = new HttpClient(CalendarFeedReader.CreateHandler(lenient, options.Timeout));

        var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(() => new CalendarFeedReader(guarded, options, lenient).NextMeetingAsync(check, Ct));
        var read = await new CalendarFeedReader(allowed, options, lenient).NextMeetingAsync(check, Ct);

        Assert.Contains("a loopback address", refused.ToString(), StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2021, 6, 30), read?.On);
    }

    [Fact]
    public async Task An_answer_larger_than_the_limit_is_refused_before_it_is_read_whole()
    {
        var huge = Feed(Enumerable.Range(0, 2000).Select(i => Event($"u{i}", "20210630T190000", $"Committee {i} " + new string('x', 200))).ToArray());
        await using var council = await LoopbackServer.StartAsync(context => context.Response.WriteAsync(huge, Ct));
        var policy = new CalendarFeedPolicy(true, ["localhost"]);
        var options = new CalendarOptions { MaxBytes = 64 * 1024 };
        using var http = new HttpClient(CalendarFeedReader.CreateHandler(policy, options.Timeout));

        var ex = await Assert.ThrowsAsync<CalendarFeedRefusedException>(() => new CalendarFeedReader(http, options, policy)
            .NextMeetingAsync(new CheckMeetingCalendar("x.0000", "maldon", council.LocalhostUrl("/ical"), "Full Council", From, Due), Ct));

        Assert.Contains("a calendar feed is read up to", ex.Message, StringComparison.Ordinal);
    }
}
