using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using SignOff.Core.Calendar;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using SignOff.Storage.Rounds;

namespace SignOff.Integration.Tests;

/// <summary>The round store against real Azurite: atomic commits, conflicts, size limits.</summary>
public sealed class TableRoundStoreTests(AzuriteFixture azurite)
{
    private static readonly Actor Coordinator = new("Programme Office", "office@alliance.example", ActorRole.Coordinator);
    private readonly FakeTimeProvider clock = new(LondonTime.At(new DateOnly(2021, 6, 1), new TimeOnly(10, 0)));
    private readonly TableRoundStore store = new(azurite.Clients.Rounds);
    private readonly string roundId = "round-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private RoundRunner? runner;

    private RoundRunner Runner => runner ??= new(store, new RoundProcess(BankHolidays.Embedded), clock);

    private static DocumentRef Draft(string text) =>
        new(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), "draft.pdf", text.Length, "application/pdf");

    private async Task<RoundState> StartAsync(int partners)
    {
        var definition = new RoundDefinitionBuilder().Deadline(new DateOnly(2021, 7, 30)).Partners(partners, Routes.FullCouncil).Build();
        var decision = await Runner.RunAsync(roundId, new StartRound("start", roundId, definition, Draft("draft v1"), Coordinator), TestContext.Current.CancellationToken);
        return Assert.IsType<RoundDecision.Accepted>(decision).State;
    }

    private static RecordDecision Approve(PartnerState p, string id) =>
        new(id, p.PartnerId, 1, DecisionOutcome.Approved, null, new DateOnly(2021, 6, 1), "Minute 7", null, null, null,
            new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer));

    private async Task<List<TableEntity>> RowsAsync()
    {
        var rows = new List<TableEntity>();
        await foreach (var row in azurite.Clients.Rounds.QueryAsync<TableEntity>(e => e.PartitionKey == roundId, cancellationToken: TestContext.Current.CancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task Twenty_partners_deciding_in_the_same_instant_all_count()
    {
        var started = await StartAsync(20);
        using var go = new ManualResetEventSlim();
        var tasks = started.Partners.Select((p, i) => Task.Run(async () =>
        {
            go.Wait(TestContext.Current.CancellationToken);
            return await Runner.RunAsync(roundId, Approve(p, $"decide-{i}"), TestContext.Current.CancellationToken);
        })).ToList();
        go.Set();
        var decisions = await Task.WhenAll(tasks);

        Assert.All(decisions, d => Assert.IsType<RoundDecision.Accepted>(d));
        Assert.True(Runner.Conflicts > 0, "the deciders raced: some commits lost and were decided again");
        var stored = (await store.LoadAsync(roundId, TestContext.Current.CancellationToken))!.State;
        Assert.All(stored.Partners, p => Assert.Equal(PartnerStatus.Authorised, p.Status));
        Assert.Equal(20, stored.Partners.Count(p => p.Decision is not null));

        var events = await store.ReadEventsAsync(roundId, 1, int.MaxValue, TestContext.Current.CancellationToken);
        Assert.Equal(stored.EventCount, events.Count);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(RoundJson.Serialize(stored), RoundJson.Serialize(RoundEvolver.Replay(events.Select(e => e.Event))!));
        Assert.Equal(20, (await RowsAsync()).Count(r => r.RowKey.StartsWith("t:decide-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_200_partner_round_starts_in_one_transaction()
    {
        var started = await StartAsync(200);

        var stored = (await store.LoadAsync(roundId, TestContext.Current.CancellationToken))!;
        Assert.Equal(200, stored.State.Partners.Count);
        Assert.Equal(RoundJson.Serialize(started), RoundJson.Serialize(stored.State));
        var outbox = Assert.Single(await store.ReadOutboxAsync(roundId, TestContext.Current.CancellationToken));
        Assert.Equal("start", outbox.TriggerId);
        Assert.Equal(200, outbox.Effects.OfType<SendNotification>().Count(e => e.Notification.Kind == NotificationKind.Invitation));
        var rows = await RowsAsync();
        Assert.True(rows.Single(r => r.RowKey == "state").GetInt32("pieces") > 1, "a 200-partner snapshot spans several properties");
        Assert.Equal(stored.State.EventCount, (await store.ReadEventsAsync(roundId, 1, int.MaxValue, TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task Loading_every_round_in_one_query_gives_each_round_as_loading_it_alone_does()
    {
        var started = await StartAsync(20);
        var all = await store.LoadAllAsync(TestContext.Current.CancellationToken);

        var mine = Assert.Single(all, r => r.RoundId == roundId);
        Assert.Equal(RoundJson.Serialize(started), RoundJson.Serialize(mine));
        Assert.Equal(all.Count, all.Select(r => r.RoundId).Distinct().Count());
    }

    [Fact]
    public async Task A_trigger_delivered_twice_commits_once()
    {
        var started = await StartAsync(3);
        var trigger = Approve(started.Partners[0], "same-message");

        var first = await Runner.RunAsync(roundId, trigger, TestContext.Current.CancellationToken);
        var rowsAfterFirst = (await RowsAsync()).Count;
        var second = await Runner.RunAsync(roundId, trigger, TestContext.Current.CancellationToken);

        Assert.IsType<RoundDecision.Accepted>(first);
        Assert.IsType<RoundDecision.AlreadyApplied>(second);
        Assert.Equal(rowsAfterFirst, (await RowsAsync()).Count);
        Assert.True(await store.HasTriggerAsync(roundId, "same-message", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_stale_writer_loses_and_writes_nothing()
    {
        var started = await StartAsync(2);
        var stale = (await store.LoadAsync(roundId, TestContext.Current.CancellationToken))!;
        await Runner.RunAsync(roundId, Approve(started.Partners[0], "winner"), TestContext.Current.CancellationToken);
        var rowsBefore = (await RowsAsync()).Select(r => r.RowKey).Order(StringComparer.Ordinal).ToList();

        var late = Assert.IsType<RoundDecision.Accepted>(new RoundProcess(BankHolidays.Embedded).Decide(stale.State, Approve(started.Partners[1], "loser"), clock.GetUtcNow()));
        await Assert.ThrowsAsync<RoundConcurrencyException>(() => store.CommitAsync(stale, "loser", late, TestContext.Current.CancellationToken));

        Assert.Equal(rowsBefore, (await RowsAsync()).Select(r => r.RowKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_rejected_trigger_writes_nothing()
    {
        var started = await StartAsync(2);
        await Runner.RunAsync(roundId, new WithdrawPartner("withdraw", started.Partners[0].PartnerId, new DateOnly(2021, 6, 1), null, Coordinator), TestContext.Current.CancellationToken);
        var rowsBefore = (await RowsAsync()).Count;

        var decision = await Runner.RunAsync(roundId, Approve(started.Partners[0], "on-withdrawn"), TestContext.Current.CancellationToken);

        Assert.Equal(RejectionCode.PartnerWithdrawn, Assert.IsType<RoundDecision.Rejected>(decision).Code);
        Assert.Equal(rowsBefore, (await RowsAsync()).Count);
        Assert.False(await store.HasTriggerAsync(roundId, "on-withdrawn", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_round_that_does_not_exist_loads_as_nothing()
    {
        Assert.Null(await store.LoadAsync("no-such-round", TestContext.Current.CancellationToken));
        var decision = await Runner.RunAsync("no-such-round", new CancelRound("c", "x", Coordinator), TestContext.Current.CancellationToken);
        Assert.Equal(RejectionCode.RoundNotFound, Assert.IsType<RoundDecision.Rejected>(decision).Code);
    }
}
