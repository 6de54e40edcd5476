using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SignOff.Integration.Tests.Host;

/// <summary>The ordered event feed, as a reconciling system reads it.</summary>
public sealed partial class ApiTests
{
    [Fact]
    public async Task The_event_feed_holds_every_rounds_audit_log_once_in_order_when_rounds_are_acted_on_at_once()
    {
        var launched = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => LaunchAsync()));
        var rounds = launched.Select(r => (RoundId: r.GetProperty("roundId").GetString()!,
            Partners: r.GetProperty("partners").EnumerateArray().Select(p => p.GetProperty("partnerId").GetString()!).ToList())).ToList();

        // Every round acted on at once: both partners' decisions, and their dates moved, all in flight together.
        var acts = rounds.SelectMany(r => r.Partners.SelectMany(p => new Func<Task<HttpResponseMessage>>[]
        {
            () => api.PostAsJsonAsync($"/api/rounds/{r.RoundId}/partners/{p}/decision", new { outcome = "approve", evidence = "Minute 12", minuteReference = "12/2021" }, Ct),
            () => api.PostAsJsonAsync($"/api/rounds/{r.RoundId}/partners/{p}/dates", new { dueOn = "2021-07-20" }, Ct),
        }));
        var answers = await Task.WhenAll(acts.Select(a => Task.Run(a, Ct)));
        Assert.All(answers, a => Assert.True(a.IsSuccessStatusCode, $"{a.RequestMessage?.RequestUri}: {(int)a.StatusCode}"));
        await host.DrainAsync(Ct);

        // The feed from the start, a page at a time, following each page's next.
        var fed = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await api.GetFromJsonAsync<JsonElement>("/api/events?max=5" + (cursor is null ? "" : "&after=" + Uri.EscapeDataString(cursor)), Ct);
            var events = page.GetProperty("events").EnumerateArray().ToList();
            Assert.InRange(events.Count, 1, 5);
            fed.AddRange(events);
            cursor = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
            Assert.True(cursor is null || cursor == events[^1].GetProperty("cursor").GetString());
            pages++;
        }
        while (cursor is not null);

        Assert.True(pages > 1);
        Assert.Equal(Enumerable.Range(1, fed.Count).Select(i => (long)i), fed.Select(e => e.GetProperty("position").GetInt64()));
        Assert.All(fed, e => Assert.Equal("round", e.GetProperty("stream").GetString()));
        Assert.Equal(fed.Count, fed.Select(e => (e.GetProperty("streamId").GetString(), e.GetProperty("sequence").GetInt64())).Distinct().Count());

        var logged = 0;
        foreach (var (roundId, _) in rounds)
        {
            var log = (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct)).GetProperty("events").EnumerateArray().ToList();
            var ofRound = fed.Where(e => e.GetProperty("streamId").GetString() == roundId).ToList();
            Assert.True(log.Count > 5, $"{roundId} logged only {log.Count} events");
            Assert.Equal(log.Select(e => e.GetProperty("sequence").GetInt64()), ofRound.Select(e => e.GetProperty("sequence").GetInt64()));
            foreach (var (inLog, inFeed) in log.Zip(ofRound))
            {
                Assert.Equal(inLog.GetProperty("type").GetString(), inFeed.GetProperty("type").GetString());
                Assert.Equal(inLog.GetProperty("at").GetDateTimeOffset(), inFeed.GetProperty("at").GetDateTimeOffset());
                Assert.Equal(inLog.GetProperty("triggerId").GetString(), inFeed.GetProperty("triggerId").GetString());
                Assert.True(JsonElement.DeepEquals(inLog.GetProperty("data"), inFeed.GetProperty("data")), $"{roundId} #{inLog.GetProperty("sequence")}: the feed's data differs from the log's");
            }

            logged += log.Count;
        }

        Assert.Equal(logged, fed.Count);
        Assert.Contains(fed, e => e.GetProperty("type").GetString() == "DecisionRecorded");

        // Reading on from the last cursor finds nothing more, and says so.
        var end = await api.GetFromJsonAsync<JsonElement>("/api/events?after=" + fed[^1].GetProperty("cursor").GetString(), Ct);
        Assert.Equal(0, end.GetProperty("events").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, end.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("007")]
    [InlineData("99999999999999999999")]
    [InlineData("1000000")]
    public async Task An_event_feed_cursor_the_feed_did_not_give_is_refused(string cursor)
    {
        var problem = await ProblemAsync(await api.GetAsync("/api/events?after=" + Uri.EscapeDataString(cursor), Ct), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("https://signoff.example/problems/bad-cursor", problem.GetProperty("type").GetString());
        Assert.Contains("'after'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_event_feed_needs_a_key_and_a_page_size_within_bounds()
    {
        using var anonymous = host.CreateClient();
        var problem = await ProblemAsync(await anonymous.GetAsync("/api/events", Ct), HttpStatusCode.Unauthorized);
        Assert.Equal("https://signoff.example/problems/unauthorised", problem.GetProperty("type").GetString());
        await ProblemAsync(await api.GetAsync("/api/events?max=1001", Ct), HttpStatusCode.BadRequest);

        // The register is in the OpenAPI document, with its cursor described as opaque.
        var openApi = await api.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var feed = openApi.GetProperty("paths").GetProperty("/api/events").GetProperty("get");
        Assert.Contains("opaque cursor", feed.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains(feed.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "after");

        // An empty feed is a page with nothing in it, and no next.
        var empty = await api.GetFromJsonAsync<JsonElement>("/api/events", Ct);
        Assert.Equal(0, empty.GetProperty("events").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("next").ValueKind);
    }
}
