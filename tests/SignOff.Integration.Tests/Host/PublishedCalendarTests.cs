using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Host;

/// <summary>
/// Meeting dates from a council's own published calendar, through the real host: the Durable Task
/// worker over Azurite fires the calendar check, the host reads a local iCalendar feed (never a
/// real council's site), the round records what it lists, and MailDev receives the emails when the
/// meeting moves. A definition naming a feed SignOff must not fetch is refused at launch.
/// </summary>
public sealed class PublishedCalendarTests : IAsyncLifetime
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private readonly SignOffFactory host = new(extra: new Dictionary<string, string?>
    {
        ["Calendars:AllowHttp"] = "true",
        ["Calendars:AllowedHosts:0"] = "localhost",
    });

    private volatile string feed = "";
    private int reads;
    private LoopbackServer council = null!;
    private HttpClient api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string FeedUrl => council.LocalhostUrl("/committees/ical");

    public async ValueTask InitializeAsync()
    {
        council = await LoopbackServer.StartAsync(async context =>
        {
            Interlocked.Increment(ref reads);
            context.Response.ContentType = "text/calendar; charset=utf-8";
            await context.Response.WriteAsync(feed, Ct);
        });
        api = host.Api();
        await host.SetClockAsync("2021-06-01T09:00:00Z", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        api.Dispose();
        await host.DisposeAsync();
        await council.DisposeAsync();
    }

    /// <summary>A committee system's feed: Full Council on <paramref name="fullCouncil"/>, with a planning committee and a cancelled extraordinary meeting around it.</summary>
    private static string Feed(string fullCouncil) => $"""
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//Test Council//Committee system//EN
        BEGIN:VEVENT
        UID:planning-2021-06-08@council.example
        DTSTAMP:20210501T090000Z
        DTSTART;TZID=Europe/London:20210608T190000
        SUMMARY:Planning Committee
        LOCATION:Council Chamber
        END:VEVENT
        BEGIN:VEVENT
        UID:extraordinary-2021-06-10@council.example
        DTSTAMP:20210501T090000Z
        DTSTART;TZID=Europe/London:20210610T190000
        SUMMARY:Extraordinary meeting of Full Council
        STATUS:CANCELLED
        END:VEVENT
        BEGIN:VEVENT
        UID:full-council-summer@council.example
        DTSTAMP:20210501T090000Z
        DTSTART;TZID=Europe/London:{fullCouncil}T193000
        SUMMARY:Meeting of FULL COUNCIL
        LOCATION:Council Chamber, Princes Road
        END:VEVENT
        BEGIN:VEVENT
        UID:full-council-autumn@council.example
        DTSTAMP:20210501T090000Z
        DTSTART;TZID=Europe/London:20210929T193000
        SUMMARY:Meeting of Full Council
        END:VEVENT
        END:VCALENDAR
        """.ReplaceLineEndings("\r\n");

    private static string Definition(string calendar) => ApiTests.Definition().Replace(
        "governance: { route: full-council } }",
        $"governance: {{ route: full-council, calendar: '{calendar}', body: Full Council }} }}",
        StringComparison.Ordinal);

    private async Task<JsonElement> MaldonAsync(string roundId) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct)).GetProperty("partners").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "Maldon District Council");

    /// <summary>Moves the clock to a morning's calendar check (07:00 London) and waits until the round has recorded what the feed lists.</summary>
    private async Task CheckAsync(string morningUtc, string roundId, string expectMeetingOn)
    {
        var before = reads;
        await host.SetClockAsync(morningUtc, Ct);
        await host.DrainAsync(Ct);
        for (var i = 0; i < 100 && (await MaldonAsync(roundId)).GetProperty("meetingOn").GetString() != expectMeetingOn; i++)
        {
            await Task.Delay(200, Ct);
        }

        Assert.True(reads > before, "The calendar check did not read the feed.");
    }

    [Fact]
    public async Task The_next_full_council_is_imported_from_the_feed_with_its_source_and_a_move_is_followed_and_told_by_email()
    {
        feed = Feed("20210630");
        var launched = await api.PostAsync("/api/rounds", ApiTests.Upload(Definition(FeedUrl), Pdf), Ct);
        Assert.Equal(HttpStatusCode.Created, launched.StatusCode);
        var roundId = (await launched.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("roundId").GetString()!;
        await host.DrainAsync(Ct);
        Assert.Equal(JsonValueKind.Null, (await MaldonAsync(roundId)).GetProperty("meetingOn").ValueKind);
        Assert.Equal(0, reads);

        // Wednesday 2 June, 07:00 in London: the first working-day check.
        await CheckAsync("2021-06-02T06:30:00Z", roundId, "2021-06-30");

        var maldon = await MaldonAsync(roundId);
        Assert.Equal("2021-06-30", maldon.GetProperty("meetingOn").GetString());
        Assert.Equal(FeedUrl, maldon.GetProperty("meetingSource").GetString());
        Assert.Equal("scheduled", maldon.GetProperty("status").GetString());
        Assert.Equal("Full Council", maldon.GetProperty("calendar").GetProperty("body").GetString());
        using var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var signIn = await browser.GetStringAsync("/sign-in", Ct);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/sign-in",
            new FormUrlEncodedContent(new Dictionary<string, string>(ApiTests.Hidden(signIn)) { ["apiKey"] = SignOffFactory.ApiKey }), Ct)).StatusCode);
        var partnerPage = WebUtility.HtmlDecode(await browser.GetStringAsync($"/rounds/{roundId}/partners/{maldon.GetProperty("partnerId").GetString()}", Ct));
        Assert.Contains($"From the published calendar at {FeedUrl} (Full Council).", partnerPage, StringComparison.Ordinal);
        Assert.Contains("Maldon District Council's meeting was taken from its published calendar: Full Council, 30 June 2021.", partnerPage, StringComparison.Ordinal);
        Assert.DoesNotContain(await MailDevInbox.ForRoundAsync(roundId, Ct), m => m.Subject.StartsWith("Meeting moved", StringComparison.Ordinal));

        // The council moves the meeting a week later: Thursday's check follows it and tells the coordinator and the officer.
        feed = Feed("20210707");
        await CheckAsync("2021-06-03T06:30:00Z", roundId, "2021-07-07");

        maldon = await MaldonAsync(roundId);
        Assert.Equal("2021-07-07", maldon.GetProperty("meetingOn").GetString());
        Assert.Equal(FeedUrl, maldon.GetProperty("meetingSource").GetString());
        IReadOnlyList<MailDevInbox.Mail> moved = [];
        for (var i = 0; i < 50 && moved.Count < 2; i++)
        {
            moved = [.. (await MailDevInbox.ForRoundAsync(roundId, Ct)).Where(m => m.Subject.StartsWith("Meeting moved to 7 July 2021: Maldon District Council", StringComparison.Ordinal))];
            await Task.Delay(200, Ct);
        }

        Assert.Equal(["jo@maldon.example", "office@alliance.example"], moved.Select(m => m.To).Order(StringComparer.Ordinal));
        Assert.All(moved, m => Assert.Contains("not 30 June 2021 as before", m.Text, StringComparison.Ordinal));
        Assert.All(moved, m => Assert.Contains(FeedUrl, m.Text, StringComparison.Ordinal));

        // Friday: the same listing again records nothing and sends nothing.
        var events = (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct)).GetProperty("events").GetArrayLength();
        var readsBefore = reads;
        await host.SetClockAsync("2021-06-04T06:30:00Z", Ct);
        await host.DrainAsync(Ct);
        Assert.True(reads > readsBefore);
        var all = (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct)).GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(2, all.Count(t => t == "MeetingPublished"));
        Assert.DoesNotContain("MeetingPublished", all.Skip(events));
        Assert.Equal(2, (await MailDevInbox.ForRoundAsync(roundId, Ct)).Count(m => m.Subject.StartsWith("Meeting moved", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("http://10.0.0.1/ical", "10.0.0.1 is a private address")]
    [InlineData("file:///etc/passwd", "is not an absolute https:// address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    public async Task A_feed_SignOff_must_not_fetch_is_refused_at_launch_and_nothing_is_launched(string calendar, string why)
    {
        var response = await api.PostAsync("/api/rounds", ApiTests.Upload(Definition(calendar), Pdf), Ct);

        var problem = await ApiTests.ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var field = problem.GetProperty("problems").EnumerateArray().Single();
        Assert.Equal("partners[0].governance.calendar", field.GetProperty("field").GetString());
        Assert.Contains(why, field.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, reads);
    }
}
