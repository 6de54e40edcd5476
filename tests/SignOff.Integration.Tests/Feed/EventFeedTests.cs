using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SignOff.Core.Calendar;
using SignOff.Core.Rounds;
using SignOff.Storage.Feed;
using SignOff.Storage.Rounds;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Feed;

/// <summary>
/// The event feed against real Azurite: many rounds projected at once, twice, out of order —
/// and the feed still holds every event once, positions 1..N without a gap, each round in its order.
/// </summary>
public sealed class EventFeedTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly Actor Coordinator = new("Programme Office", "office@alliance.example", ActorRole.Coordinator);
    private static readonly DateTimeOffset Launch = LondonTime.At(new DateOnly(2021, 6, 1), new TimeOnly(10, 0));
    private readonly RoundProcess process = new(BankHolidays.Embedded);
    private readonly RoundReadModel rounds = new(azurite.Clients.Rounds);

    // Each test its own feed table: the feed is one partition, and the assertions are about all of it.
    private readonly Azure.Data.Tables.TableClient table =
        azurite.Clients.Tables.GetTableClient(azurite.Clients.Prefix + "feed" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));

    private EventFeed feed = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await table.CreateIfNotExistsAsync(Ct);
        feed = new EventFeed(table);
    }

    public async ValueTask DisposeAsync() => await table.DeleteAsync();

    private sealed record Transition(string RoundId, string TriggerId, RoundState State, IReadOnlyList<RoundEvent> Events);

    /// <summary>A round's transitions as the entity hands them over: the launch, then one decision per partner.</summary>
    private List<Transition> Play(int decisions)
    {
        var roundId = "round-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var definition = new RoundDefinitionBuilder().Deadline(new DateOnly(2021, 7, 30)).Partners(decisions, Routes.FullCouncil).Build();
        var start = Assert.IsType<RoundDecision.Accepted>(process.Decide(null, new StartRound("start", roundId, definition, Draft("draft " + roundId), Coordinator), Launch));
        var played = new List<Transition> { new(roundId, "start", start.State, start.Events) };
        var state = start.State;
        foreach (var p in state.Partners.ToList())
        {
            var id = "decide-" + p.PartnerId;
            var decided = Assert.IsType<RoundDecision.Accepted>(process.Decide(state, new RecordDecision(id, p.PartnerId, 1, DecisionOutcome.Approved, null,
                new DateOnly(2021, 6, 1), "Minute 7", null, null, null, new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer)), Launch));
            played.Add(new(roundId, id, decided.State, decided.Events));
            state = decided.State;
        }

        return played;
    }

    private static DocumentRef Draft(string text) =>
        new(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), "draft.pdf", text.Length, "application/pdf");

    /// <summary>What the effects orchestration's projection does: the round's rows, then the feed.</summary>
    private async Task<int> ProjectAsync(Transition t)
    {
        await rounds.ProjectAsync(t.TriggerId, t.State, t.Events, Ct);
        return await feed.CatchUpRoundAsync(rounds, t.RoundId, Ct);
    }

    private async Task<List<FeedEntry>> ReadAllAsync(int pageSize)
    {
        var all = new List<FeedEntry>();
        var after = 0L;
        while (true)
        {
            var page = await feed.ReadAsync(after, pageSize, Ct);
            Assert.True(page.Entries.Count <= pageSize);
            all.AddRange(page.Entries);
            if (!page.More)
            {
                return all;
            }

            Assert.Equal(pageSize, page.Entries.Count);
            after = page.Entries[^1].Position;
        }
    }

    private static string Json(RoundEvent e) => JsonSerializer.Serialize(e, RoundJson.Options);

    [Fact]
    public async Task Twenty_rounds_projected_at_once_twice_and_out_of_order_feed_every_event_once_in_each_rounds_order_without_a_gap()
    {
        var random = new Random(18);
        var played = Enumerable.Range(0, 20).Select(_ => Play(decisions: 9)).ToList();
        Assert.All(played, p => Assert.Equal(10, p.Count));

        // Per round, two workers run its transitions' projections (as two effects orchestrations may),
        // each in a shuffled order, with some transitions projected again (a retried activity).
        var workers = new List<Func<Task>>();
        foreach (var round in played)
        {
            var order = round.OrderBy(_ => random.Next()).Concat(round.OrderBy(_ => random.Next()).Take(3)).ToList();
            var half = order.Count / 2;
            workers.Add(async () => { foreach (var t in order.Take(half)) { await ProjectAsync(t); } });
            workers.Add(async () => { foreach (var t in order.Skip(half)) { await ProjectAsync(t); } });
        }

        // A reader follows the feed while it is written: every page must continue exactly where the last one stopped.
        var writing = Task.WhenAll(workers.Select(w => Task.Run(w, Ct)));
        var followed = new List<FeedEntry>();
        var cursor = 0L;
        while (true)
        {
            var done = writing.IsCompleted;
            var page = await feed.ReadAsync(cursor, 7, Ct);
            Assert.Equal(Enumerable.Range(1, page.Entries.Count).Select(i => cursor + i), page.Entries.Select(e => e.Position));
            followed.AddRange(page.Entries);
            cursor = page.Entries.Count > 0 ? page.Entries[^1].Position : cursor;
            if (done && !page.More)
            {
                break;
            }

            if (!page.More)
            {
                await Task.Delay(10, Ct);
            }
        }

        await writing;
        var expected = played.SelectMany(p => p).Sum(t => t.Events.Count);
        var all = await ReadAllAsync(pageSize: 13);
        Assert.Equal(Enumerable.Range(1, expected).Select(i => (long)i), all.Select(e => e.Position));
        Assert.Equal(expected, await feed.LastPositionAsync(Ct));
        Assert.Equal(all.Select(e => e.Position), followed.Select(e => e.Position));
        Assert.Equal(all.Select(e => (e.StreamId, e.Event.Sequence)), followed.Select(e => (e.StreamId, e.Event.Sequence)));
        Assert.Equal(expected, all.Select(e => (e.StreamId, e.Event.Sequence)).Distinct().Count());
        Assert.All(all, e => Assert.Equal(FeedStreams.Round, e.Stream));
        foreach (var round in played)
        {
            var roundEvents = round.SelectMany(t => t.Events).ToList();
            var fed = all.Where(e => e.StreamId == round[0].RoundId).ToList();
            Assert.Equal(Enumerable.Range(1, roundEvents.Count).Select(i => (long)i), fed.Select(e => e.Event.Sequence));
            Assert.Equal(roundEvents.Select(Json), fed.Select(e => Json(RoundJson.Deserialize<RoundEvent>(e.Event.Data.GetRawText()))));
            Assert.Equal(roundEvents.Select(e => e.GetType().Name), fed.Select(e => e.Event.Type));
            Assert.Equal(roundEvents.Select(e => e.TriggerId), fed.Select(e => e.Event.TriggerId));
        }

        // The rounds really interleaved: the test would prove little if each round had the feed to itself.
        Assert.True(all.Zip(all.Skip(1)).Count(p => p.First.StreamId != p.Second.StreamId) > 20, "the rounds' events did not interleave");
    }

    [Fact]
    public async Task A_retried_projection_appends_nothing()
    {
        var played = Play(decisions: 2);
        foreach (var t in played)
        {
            Assert.Equal(t.Events.Count, await ProjectAsync(t));
        }

        var before = await ReadAllAsync(pageSize: 100);
        Assert.Equal(0, await ProjectAsync(played[1]));
        Assert.Equal(0, await ProjectAsync(played[0]));
        Assert.Equal(0, await ProjectAsync(played[2]));

        var after = await ReadAllAsync(pageSize: 100);
        Assert.Equal(played.Sum(t => t.Events.Count), after.Count);
        Assert.Equal(before.Select(e => (e.Position, e.Event.Sequence)), after.Select(e => (e.Position, e.Event.Sequence)));
        Assert.Equal(after.Count, await feed.LastPositionAsync(Ct));
    }

    [Fact]
    public async Task A_transition_projected_before_the_one_it_follows_waits_for_it_then_both_feed_in_order()
    {
        var played = Play(decisions: 2);
        await ProjectAsync(played[0]);
        var first = played[0].Events.Count;

        Assert.Equal(0, await ProjectAsync(played[2]));
        var waiting = await ReadAllAsync(pageSize: 100);
        Assert.Equal(Enumerable.Range(1, first).Select(i => (long)i), waiting.Select(e => e.Event.Sequence));

        Assert.Equal(played[1].Events.Count + played[2].Events.Count, await ProjectAsync(played[1]));
        var all = await ReadAllAsync(pageSize: 100);
        var roundEvents = played.SelectMany(t => t.Events).ToList();
        Assert.Equal(Enumerable.Range(1, roundEvents.Count).Select(i => (long)i), all.Select(e => e.Event.Sequence));
        Assert.Equal(Enumerable.Range(1, roundEvents.Count).Select(i => (long)i), all.Select(e => e.Position));
        Assert.Equal(roundEvents.Select(Json), all.Select(e => Json(RoundJson.Deserialize<RoundEvent>(e.Event.Data.GetRawText()))));
    }

    [Fact]
    public async Task Rounds_recorded_before_the_feed_are_backfilled_once_each_in_its_order()
    {
        var earlier = new[] { Play(decisions: 2), Play(decisions: 3) };
        foreach (var t in earlier.SelectMany(p => p))
        {
            await rounds.ProjectAsync(t.TriggerId, t.State, t.Events, Ct); // the read side only, as before the feed
        }

        Assert.Empty(await ReadAllAsync(pageSize: 100));
        Assert.True(await feed.BackfillAsync(rounds, Ct) >= earlier.Sum(p => p.Sum(t => t.Events.Count)));

        var all = await ReadAllAsync(pageSize: 100);
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Position));
        foreach (var round in earlier)
        {
            var roundEvents = round.SelectMany(t => t.Events).ToList();
            Assert.Equal(roundEvents.Select(Json),
                all.Where(e => e.StreamId == round[0].RoundId).Select(e => Json(RoundJson.Deserialize<RoundEvent>(e.Event.Data.GetRawText()))));
        }

        // Done once: a later start does not read every round again (a round recorded since is fed by its own projection).
        var later = Play(decisions: 1);
        await rounds.ProjectAsync(later[0].TriggerId, later[0].State, later[0].Events, Ct);
        Assert.Equal(0, await feed.BackfillAsync(rounds, Ct));
        Assert.Equal(all.Count, await feed.LastPositionAsync(Ct));
    }

    [Fact]
    public async Task Events_too_large_for_one_transaction_are_appended_over_several_and_read_back_whole()
    {
        // 600,000 characters each: two rows an event, one event a transaction.
        var events = Enumerable.Range(1, 3)
            .Select(i => new FeedEvent(i, "Large", Launch, "t" + i, JsonSerializer.SerializeToElement(new { text = new string((char)('a' + i), 600_000) })))
            .ToList();
        Assert.Equal(3, await feed.CatchUpAsync(FeedStreams.Round, "large", (after, _) => Task.FromResult<IReadOnlyList<FeedEvent>>([.. events.Where(e => e.Sequence > after)]), Ct));

        var all = await ReadAllAsync(pageSize: 2);
        Assert.Equal([1L, 2L, 3L], all.Select(e => e.Position));
        Assert.Equal(events.Select(e => e.Data.GetRawText()), all.Select(e => e.Event.Data.GetRawText()));
        Assert.Equal(events.Select(e => e.TriggerId), all.Select(e => e.Event.TriggerId));
    }

    [Fact]
    public async Task A_source_that_skips_a_sequence_is_fed_only_up_to_the_gap()
    {
        var events = new List<long> { 1, 2, 4 }.Select(s => new FeedEvent(s, "Any", Launch, "t", JsonSerializer.SerializeToElement(s))).ToList();
        Assert.Equal(2, await feed.CatchUpAsync(FeedStreams.Round, "gappy", (_, _) => Task.FromResult<IReadOnlyList<FeedEvent>>(events), Ct));
        Assert.Equal([1L, 2L], (await ReadAllAsync(pageSize: 10)).Select(e => e.Event.Sequence));
    }
}
