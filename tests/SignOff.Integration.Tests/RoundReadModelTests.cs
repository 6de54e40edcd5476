using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using SignOff.Core.Calendar;
using SignOff.Core.Rounds;
using SignOff.Storage.Rounds;
using SignOff.Testing;

namespace SignOff.Integration.Tests;

/// <summary>The rounds' read side against real Azurite: recorded at least once, out of order, large.</summary>
public sealed class RoundReadModelTests(AzuriteFixture azurite)
{
    private static readonly Actor Coordinator = new("Programme Office", "office@alliance.example", ActorRole.Coordinator);
    private static readonly DateTimeOffset Launch = LondonTime.At(new DateOnly(2021, 6, 1), new TimeOnly(10, 0));
    private readonly RoundProcess process = new(BankHolidays.Embedded);
    private readonly RoundReadModel rounds = new(azurite.Clients.Rounds);
    private readonly string roundId = "round-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DocumentRef Draft(string text) =>
        new(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), "draft.pdf", text.Length, "application/pdf");

    /// <summary>A round's transitions as the entity would hand them over: the trigger, the state after it, its events.</summary>
    private List<(string TriggerId, RoundState State, IReadOnlyList<RoundEvent> Events)> Play(int partners, int decisions)
    {
        var definition = new RoundDefinitionBuilder().Deadline(new DateOnly(2021, 7, 30)).Partners(partners, Routes.FullCouncil).Build();
        var transitions = new List<(string, RoundState, IReadOnlyList<RoundEvent>)>();
        var start = Assert.IsType<RoundDecision.Accepted>(process.Decide(null, new StartRound("start", roundId, definition, Draft("draft v1"), Coordinator), Launch));
        transitions.Add(("start", start.State, start.Events));
        var state = start.State;
        foreach (var p in state.Partners.Take(decisions).ToList())
        {
            var id = "decide-" + p.PartnerId;
            var decided = Assert.IsType<RoundDecision.Accepted>(process.Decide(state, new RecordDecision(id, p.PartnerId, 1, DecisionOutcome.Approved, null,
                new DateOnly(2021, 6, 1), "Minute 7", null, null, null, new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer)), Launch));
            transitions.Add((id, decided.State, decided.Events));
            state = decided.State;
        }

        return transitions;
    }

    private async Task<int> RowCountAsync()
    {
        var count = 0;
        await foreach (var _ in azurite.Clients.Rounds.QueryAsync<TableEntity>(e => e.PartitionKey == roundId, cancellationToken: Ct))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task Transitions_recorded_in_order_read_back_as_the_round_and_its_audit_log()
    {
        var played = Play(partners: 3, decisions: 3);
        foreach (var (triggerId, state, events) in played)
        {
            await rounds.ProjectAsync(triggerId, state, events, Ct);
        }

        var final = played[^1].State;
        Assert.Equal(RoundJson.Serialize(final), RoundJson.Serialize(await rounds.LoadAsync(roundId, Ct)));
        var log = await rounds.ReadEventsAsync(roundId, 1, 1000, Ct);
        Assert.Equal(Enumerable.Range(1, (int)final.EventCount).Select(i => (long)i), log.Select(e => e.Sequence));
        Assert.Equal(played.SelectMany(t => t.Events).Select(RoundJson.Serialize), log.Select(e => RoundJson.Serialize(e.Event)));
        Assert.Contains(await rounds.ListAsync("circulating", Ct), h => h.RoundId == roundId);
    }

    [Fact]
    public async Task A_transition_recorded_twice_is_recorded_once()
    {
        var played = Play(partners: 2, decisions: 1);
        foreach (var (triggerId, state, events) in played)
        {
            await rounds.ProjectAsync(triggerId, state, events, Ct);
        }

        var rows = await RowCountAsync();
        var (lastTrigger, lastState, lastEvents) = played[^1];
        await rounds.ProjectAsync(lastTrigger, lastState, lastEvents, Ct);

        Assert.Equal(rows, await RowCountAsync());
        Assert.Equal(lastState.EventCount, (await rounds.ReadEventsAsync(roundId, 1, 1000, Ct)).Count);
    }

    [Fact]
    public async Task A_transition_recorded_late_never_moves_the_snapshot_backwards()
    {
        // Two transitions' effects orchestrations may run in either order.
        var played = Play(partners: 3, decisions: 2);
        await rounds.ProjectAsync(played[0].TriggerId, played[0].State, played[0].Events, Ct);
        await rounds.ProjectAsync(played[2].TriggerId, played[2].State, played[2].Events, Ct);
        await rounds.ProjectAsync(played[1].TriggerId, played[1].State, played[1].Events, Ct);

        Assert.Equal(played[2].State.EventCount, (await rounds.LoadAsync(roundId, Ct))!.EventCount);
        Assert.Equal(played[2].State.EventCount, (await rounds.ReadEventsAsync(roundId, 1, 1000, Ct)).Count);
        Assert.True(await rounds.CatchUpAsync(roundId, played[2].State.EventCount, TimeSpan.Zero, Ct));
        Assert.False(await rounds.CatchUpAsync(roundId, played[2].State.EventCount + 1, TimeSpan.FromMilliseconds(100), Ct));
    }

    [Fact]
    public async Task Transitions_recorded_at_once_by_several_workers_leave_the_latest()
    {
        var played = Play(partners: 6, decisions: 6);
        await Task.WhenAll(played.Select(t => Task.Run(() => rounds.ProjectAsync(t.TriggerId, t.State, t.Events, Ct), Ct)));

        Assert.Equal(RoundJson.Serialize(played[^1].State), RoundJson.Serialize(await rounds.LoadAsync(roundId, Ct)));
        Assert.Equal(played[^1].State.EventCount, (await rounds.ReadEventsAsync(roundId, 1, 1000, Ct)).Count);
    }

    [Fact]
    public async Task A_200_partner_launch_is_recorded_and_loads_whole_alone_and_in_the_list_of_all()
    {
        var played = Play(partners: 200, decisions: 0);
        await rounds.ProjectAsync(played[0].TriggerId, played[0].State, played[0].Events, Ct);

        var alone = await rounds.LoadAsync(roundId, Ct);
        Assert.Equal(200, alone!.Partners.Count);
        Assert.Equal(RoundJson.Serialize(alone), RoundJson.Serialize((await rounds.LoadAllAsync(Ct)).Single(r => r.RoundId == roundId)));
    }

    [Fact]
    public async Task Reading_from_any_sequence_gives_the_log_from_there_whether_or_not_a_transition_starts_there()
    {
        var played = Play(partners: 3, decisions: 3);
        foreach (var (triggerId, state, events) in played)
        {
            await rounds.ProjectAsync(triggerId, state, events, Ct);
        }

        var log = await rounds.ReadEventsAsync(roundId, 1, 1000, Ct);
        Assert.True(played[0].Events.Count > 1, "the launch should be one transition of several events");
        for (var from = 1L; from <= log.Count + 1; from++)
        {
            var expected = log.Where(e => e.Sequence >= from).Take(2).Select(e => (e.Sequence, RoundJson.Serialize(e.Event)));
            Assert.Equal(expected, (await rounds.ReadEventsFromTransitionAsync(roundId, from, 2, Ct)).Select(e => (e.Sequence, RoundJson.Serialize(e.Event))));
        }
    }

    [Fact]
    public async Task A_round_that_does_not_exist_loads_as_nothing()
    {
        Assert.Null(await rounds.LoadAsync(roundId, Ct));
        Assert.Empty(await rounds.ReadEventsAsync(roundId, 1, 100, Ct));
    }
}
