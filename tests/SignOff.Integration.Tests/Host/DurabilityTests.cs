using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SignOff.Core.Rounds;
using SignOff.Storage;
using SignOff.Storage.Execution;
using SignOff.Storage.Rounds;

namespace SignOff.Integration.Tests.Host;

/// <summary>Crashes, duplicates, poison and restarts, with real storage and real SMTP.</summary>
public sealed partial class DurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(SignOffFactory Host, HttpClient Api, string RoundId, JsonElement Round)> LaunchAsync(string? prefix = null)
    {
        var host = new SignOffFactory(prefix);
        var api = host.Api();
        await host.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        var round = await LaunchOnAsync(api);
        return (host, api, round.GetProperty("roundId").GetString()!, round);
    }

    /// <summary>Launches the test round through the API of a host set up by the caller.</summary>
    private static async Task<JsonElement> LaunchOnAsync(HttpClient api)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(ApiTests.Definition()), "definition", "round.yaml" },
            { new ByteArrayContent("%PDF-1.4\n%%EOF\n"u8.ToArray()), "draft", "draft.pdf" },
        };
        var response = await api.PostAsync("/api/rounds", form, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>The host's workers as they would be some real time from now (the round clock unmoved).</summary>
    private static Workers WorkersLater(SignOffFactory host, TimeSpan by) =>
        ActivatorUtilities.CreateInstance<Workers>(host.Services, new WallClock(new FakeTimeProvider(TimeProvider.System.GetUtcNow() + by)));

    [Fact]
    public async Task A_crash_between_commit_and_dispatch_still_sends_each_email_once()
    {
        var (host, api, roundId, round) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        await host.DrainAsync(Ct);
        var partnerId = round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!;

        // Commit a decision, then "crash" before the effects message is sent.
        var runner = host.Services.GetRequiredService<RoundRunner>();
        runner.AfterCommit = () => throw new IOException("simulated crash after commit");
        await Assert.ThrowsAsync<IOException>(() => runner.RunAsync(roundId, new RecordDecision("crash-decision", partnerId, 1, DecisionOutcome.Approved,
            null, new DateOnly(2021, 6, 1), null, null, null, null, new Actor("Jo Bloggs", "jo@maldon.example", ActorRole.Officer)), Ct));
        runner.AfterCommit = null;
        await host.DrainAsync(Ct);
        Assert.DoesNotContain(await MailDevInbox.ForRoundAsync(roundId, Ct), m => m.EffectId.StartsWith("crash-decision", StringComparison.Ordinal));

        // Not yet: a row waits a minute (real time; moving the round clock changes nothing)...
        await host.AdvanceClockAsync("PT2M", Ct);
        Assert.Equal(0, await host.Workers.SweepOutboxAsync(100, Ct));

        // ...then the sweeper finds the stranded outbox row, and dispatch follows.
        var later = WorkersLater(host, TimeSpan.FromMinutes(2));
        Assert.Equal(1, await later.SweepOutboxAsync(100, Ct));
        await host.DrainAsync(Ct);
        var sent = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Where(m => m.EffectId.StartsWith("crash-decision", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sent);

        // Sweeping and dispatching again sends nothing more.
        await WorkersLater(host, TimeSpan.FromHours(3))
            .SweepOutboxAsync(100, Ct);
        await host.Workers.HandleEffectAsync(new EffectMessage(roundId, "crash-decision"), Ct);
        await host.DrainAsync(Ct);
        Assert.Equal(sent.Count, (await MailDevInbox.ForRoundAsync(roundId, Ct)).Count(m => m.EffectId.StartsWith("crash-decision", StringComparison.Ordinal)));
        Assert.Empty(await host.Services.GetRequiredService<TableRoundStore>().ReadOutboxAsync(roundId, Ct));
    }

    [Fact]
    public async Task A_sweep_between_a_launchs_timer_entries_and_its_commit_leaves_them_so_the_timers_still_fire()
    {
        await using var host = new SignOffFactory();
        using var api = host.Api();
        await host.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        var runner = host.Services.GetRequiredService<RoundRunner>();
        var clock = host.Services.GetRequiredService<SignOff.Host.Hosting.ManualClock>();
        var settledMeanwhile = -1;
        runner.BeforeCommit = async () =>
        {
            // The entries are written and the round is not: a sweep now, with every entry due, meets no round.
            runner.BeforeCommit = null;
            var launchedAt = clock.GetUtcNow();
            clock.Advance(TimeSpan.FromDays(400));
            settledMeanwhile = await host.Workers.SweepTimersAsync(100, Ct);
            clock.Set(launchedAt);
        };
        var roundId = (await LaunchOnAsync(api)).GetProperty("roundId").GetString()!;
        Assert.Equal(0, settledMeanwhile);

        // Every timer the round holds still has its entry...
        var state = (await host.Services.GetRequiredService<TableRoundStore>().LoadAsync(roundId, Ct))!.State;
        var entries = host.Storage.Timers.QueryAsync<TableEntity>(e => e.PartitionKey == "due" && e.GetString("roundId") == roundId, cancellationToken: Ct);
        var indexed = new List<string>();
        await foreach (var e in entries)
        {
            if (e.GetString("timerId") is { } timerId)
            {
                indexed.Add(timerId); // (the launch's outbox entry shares the partition)
            }
        }

        Assert.NotEmpty(state.Timers);
        Assert.Equal(state.Timers.Select(t => t.TimerId).Order(), indexed.Order());

        // ...so the first reminders (Friday 16 July, 09:00 London) go out.
        await host.DrainAsync(Ct);
        await host.SetClockAsync("2021-07-16T07:30:00Z", Ct);
        var fired = await host.AdvanceClockAsync("PT1H", Ct);
        Assert.True(fired.GetProperty("timersFired").GetInt32() >= 2);
        await host.DrainAsync(Ct);
        Assert.Equal(2, (await MailDevInbox.ForRoundAsync(roundId, Ct)).Count(m => m.Subject.StartsWith("Reminder:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_timer_entry_the_round_never_committed_is_cleared_once_it_is_old_in_real_time()
    {
        var (host, api, roundId, _) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        var indexes = host.Services.GetRequiredService<ExecutionIndexes>();
        var clock = host.Services.GetRequiredService<TimeProvider>();
        await indexes.AddHintsAsync(roundId, [new PendingTimer("ghost", TimerPurpose.Reminder, null, new DateOnly(2021, 6, 1), clock.GetUtcNow().AddMinutes(-1))], null, clock.GetUtcNow(), Ct);

        async Task<bool> GhostIndexedAsync() =>
            (await indexes.DueTimersAsync(clock.GetUtcNow(), 100, Ct)).Any(t => t.TimerId == "ghost");

        // Just written: perhaps a transition still committing, so it stays.
        await host.Workers.SweepTimersAsync(100, Ct);
        Assert.True(await GhostIndexedAsync());

        // Three minutes later in real time (the round clock has not moved): debris, and cleared.
        var later = WorkersLater(host, TimeSpan.FromMinutes(3));
        Assert.Equal(1, await later.SweepTimersAsync(100, Ct));
        Assert.False(await GhostIndexedAsync());
    }

    [Fact]
    public async Task Moving_the_round_clock_does_not_expire_a_claim_on_an_effect_in_flight()
    {
        var (host, api, roundId, _) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        var store = host.Services.GetRequiredService<TableRoundStore>();
        var row = (await store.ReadOutboxAsync(roundId, Ct)).Single();
        var invitation = row.Effects.OfType<SendNotification>().First();

        // Another worker is sending the first invitation (its claim is on real time)...
        var claim = await store.ClaimEffectAsync(roundId, invitation.EffectId, WallClock.System.UtcNow, EffectDispatcher.Lease, Ct);
        Assert.Equal(EffectClaimState.Claimed, claim.State);

        // ...when someone moves the round clock on six hours: the claim still holds, so nothing is sent twice.
        await host.AdvanceClockAsync("PT6H", Ct);
        Assert.False(await host.Workers.HandleEffectAsync(new EffectMessage(roundId, row.TriggerId), Ct));
        Assert.DoesNotContain(await MailDevInbox.ForRoundAsync(roundId, Ct), m => m.EffectId == invitation.EffectId);
    }

    [Fact]
    public async Task With_workers_running_a_transitions_effects_are_handed_over_in_process_and_never_queued()
    {
        await using var host = new SignOffFactory(extra: new Dictionary<string, string?> { ["SignOff:RunWorkers"] = "true" });
        var queued = 0;
        host.Services.GetRequiredService<WorkQueue<EffectMessage>>().Sent += () => Interlocked.Increment(ref queued);
        using var api = host.Api();
        await host.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        var roundId = (await LaunchOnAsync(api)).GetProperty("roundId").GetString()!;

        var store = host.Services.GetRequiredService<TableRoundStore>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (((await store.ReadOutboxAsync(roundId, Ct)).Count > 0 || (await MailDevInbox.ForRoundAsync(roundId, Ct)).Count < 2) && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100, Ct);
        }

        Assert.Equal(2, (await MailDevInbox.ForRoundAsync(roundId, Ct)).Count);
        Assert.Empty(await store.ReadOutboxAsync(roundId, Ct));
        Assert.Equal(0, queued);
    }

    [Fact]
    public async Task A_row_waiting_for_this_processs_own_dispatchers_is_not_stranded_however_long_it_waits()
    {
        var (host, api, roundId, _) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        var triggerId = (await host.Services.GetRequiredService<TableRoundStore>().ReadOutboxAsync(roundId, Ct)).Single().TriggerId;
        var handoff = host.Services.GetRequiredService<EffectHandoff>();
        var later = WorkersLater(host, TimeSpan.FromMinutes(5));

        // Handed over in-process and still in the local queue behind a burst: not stranded.
        handoff.OpenLocal();
        await handoff.SendAsync(new EffectMessage(roundId, triggerId), Ct);
        Assert.Equal(0, await later.SweepOutboxAsync(100, Ct));

        // Once this process lets go of it (it stopped, say), the sweeper takes it.
        handoff.CloseLocal();
        Assert.Equal(1, await later.SweepOutboxAsync(100, Ct));
    }

    [Fact]
    public async Task A_row_held_by_another_worker_comes_back_as_a_fresh_message_not_one_nearer_poison()
    {
        var (host, api, roundId, _) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        var store = host.Services.GetRequiredService<TableRoundStore>();
        var invitation = (await store.ReadOutboxAsync(roundId, Ct)).Single().Effects.OfType<SendNotification>().First();
        await store.ClaimEffectAsync(roundId, invitation.EffectId, WallClock.System.UtcNow, EffectDispatcher.Lease, Ct);
        var resent = 0;
        host.Services.GetRequiredService<WorkQueue<EffectMessage>>().Sent += () => Interlocked.Increment(ref resent);

        Assert.Equal(1, await host.Workers.PollEffectsAsync(10, Ct));

        // Being held is not failing: the message is replaced (its dequeue count starts again), not left to reappear.
        Assert.Equal(1, resent);
        Assert.Equal(1, (await host.Storage.Effects.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_queue_message_delivered_twice_sends_one_email_per_recipient()
    {
        var (host, api, roundId, _) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;

        // The launch's effects message is in the queue; deliver a duplicate of it too.
        var effects = host.Services.GetRequiredService<WorkQueue<EffectMessage>>();
        await effects.SendAsync(new EffectMessage(roundId, (await host.Services.GetRequiredService<TableRoundStore>().ReadOutboxAsync(roundId, Ct)).Single().TriggerId), cancellationToken: Ct);
        await host.DrainAsync(Ct);

        var mails = await MailDevInbox.ForRoundAsync(roundId, Ct);
        Assert.Equal(2, mails.Count);
        Assert.Equal(mails.Count, mails.Select(m => m.EffectId).Distinct().Count());
    }

    [Fact]
    public async Task Two_workers_dispatching_the_same_row_at_once_send_each_email_once()
    {
        var (host, api, roundId, _) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        var triggerId = (await host.Services.GetRequiredService<TableRoundStore>().ReadOutboxAsync(roundId, Ct)).Single().TriggerId;

        // Both race for the row's claims in one batch each: the loser's batch fails, and it defers.
        var message = new EffectMessage(roundId, triggerId);
        var outcomes = await Task.WhenAll(
            Task.Run(() => host.Workers.HandleEffectAsync(message, Ct), Ct),
            Task.Run(() => host.Workers.HandleEffectAsync(message, Ct), Ct));
        await host.DrainAsync(Ct);
        await host.Workers.HandleEffectAsync(message, Ct);

        Assert.Contains(true, outcomes);
        var mails = await MailDevInbox.ForRoundAsync(roundId, Ct);
        Assert.Equal(["jo@maldon.example", "sam@chelmsford.example"], mails.Select(m => m.To).Order());
    }

    [Fact]
    public async Task A_poison_message_is_moved_aside_and_the_round_is_unaffected()
    {
        var (host, api, roundId, round) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        await host.DrainAsync(Ct);
        var before = await api.GetStringAsync($"/api/rounds/{roundId}", Ct);
        var queue = host.Storage.RoundTriggers;
        var triggers = host.Services.GetRequiredService<WorkQueue<TriggerMessage>>();

        await queue.SendMessageAsync(Convert.ToBase64String("{ this is not a trigger"u8.ToArray()), Ct);
        await host.Workers.PollTriggersAsync(10, Ct);

        Assert.Equal(1, await triggers.PoisonCountAsync(Ct));
        Assert.Equal(0, (await queue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Equal(before, await api.GetStringAsync($"/api/rounds/{roundId}", Ct));
    }

    [Fact]
    public async Task After_a_restart_the_round_is_intact_and_its_timers_still_fire()
    {
        var (host, api, roundId, _) = await LaunchAsync();
        await host.DrainAsync(Ct);
        var before = await api.GetStringAsync($"/api/rounds/{roundId}", Ct);
        api.Dispose();
        await host.DisposeAsync();

        await using var restarted = new SignOffFactory(host.Prefix);
        using var again = restarted.Api();
        Assert.Equal(before, await again.GetStringAsync($"/api/rounds/{roundId}", Ct));

        // The first reminders fall 10 working days before 30 July 2021: Friday 16 July, 09:00 London.
        await restarted.SetClockAsync("2021-07-16T07:30:00Z", Ct);
        var fired = await restarted.AdvanceClockAsync("PT1H", Ct);
        Assert.True(fired.GetProperty("timersFired").GetInt32() >= 2);
        await restarted.DrainAsync(Ct);

        var reminders = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Where(m => m.Subject.StartsWith("Reminder:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["jo@maldon.example", "sam@chelmsford.example"], reminders.Select(m => m.To).Order());
    }

    [Fact]
    public async Task A_restarted_development_host_keeps_the_clock_where_it_was_moved()
    {
        string prefix;
        await using (var host = new SignOffFactory())
        {
            prefix = host.Prefix;
            await host.SetClockAsync("2021-07-01T09:00:00Z", Ct);
        }

        // Restarted, it must not fall back to real time (and fire July's timers dated today).
        await using var restarted = new SignOffFactory(prefix);
        var now = (await restarted.AdvanceClockAsync("PT0S", Ct)).GetProperty("now").GetDateTimeOffset();
        Assert.InRange(now, DateTimeOffset.Parse("2021-07-01T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse("2021-07-01T09:10:00Z", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task An_officer_link_shows_a_page_on_get_and_head_and_acts_only_on_post()
    {
        var (host, api, roundId, _) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        await host.DrainAsync(Ct);
        var invitation = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Single(m => m.To == "jo@maldon.example");
        var path = LinkPattern().Match(invitation.Text).Groups[1].Value;
        using var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        var eventsBefore = (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct)).GetProperty("events").GetArrayLength();

        var first = await browser.GetStringAsync(path, Ct);
        var second = await browser.GetStringAsync(path, Ct);
        var head = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), Ct);

        Assert.Contains("Maldon District Council", first);
        Assert.Contains("Maldon District Council", second);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(eventsBefore, (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct)).GetProperty("events").GetArrayLength());

        var token = AntiforgeryPattern().Match(second).Groups[1].Value;
        var posted = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["form"] = "decision",
            ["action"] = "approve",
            ["body"] = "Full Council",
            ["meetingDate"] = "2021-06-01",
            ["minuteReference"] = "FC 12/2021",
        }), Ct);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Decision recorded", await posted.Content.ReadAsStringAsync(Ct));
        var round = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct);
        Assert.Equal("authorised", round.GetProperty("partners")[0].GetProperty("status").GetString());

        var forged = await browser.GetAsync("/respond/" + new string('A', 43), Ct);
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Contains("This link cannot be used", await forged.Content.ReadAsStringAsync(Ct));
        var noToken = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "decline" }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
    }

    [GeneratedRegex(@"http://localhost(/respond/[A-Za-z0-9_-]+)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryPattern();
}
