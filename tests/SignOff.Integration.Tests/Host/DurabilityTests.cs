using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using SignOff.Core.Rounds;
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
        var form = new MultipartFormDataContent
        {
            { new StringContent(ApiTests.Definition()), "definition", "round.yaml" },
            { new ByteArrayContent("%PDF-1.4\n%%EOF\n"u8.ToArray()), "draft", "draft.pdf" },
        };
        var response = await api.PostAsync("/api/rounds", form, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var round = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (host, api, round.GetProperty("roundId").GetString()!, round);
    }

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

        // The sweeper finds the stranded outbox row once it is old enough, and dispatch follows.
        await host.AdvanceClockAsync("PT2M", Ct);
        Assert.Equal(1, await host.Workers.SweepOutboxAsync(100, Ct));
        await host.DrainAsync(Ct);
        var sent = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Where(m => m.EffectId.StartsWith("crash-decision", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sent);

        // Sweeping and dispatching again sends nothing more.
        await host.AdvanceClockAsync("PT5M", Ct);
        await host.Workers.SweepOutboxAsync(100, Ct);
        await host.Workers.HandleEffectAsync(new EffectMessage(roundId, "crash-decision"), Ct);
        await host.DrainAsync(Ct);
        Assert.Equal(sent.Count, (await MailDevInbox.ForRoundAsync(roundId, Ct)).Count(m => m.EffectId.StartsWith("crash-decision", StringComparison.Ordinal)));
        Assert.Empty(await host.Services.GetRequiredService<TableRoundStore>().ReadOutboxAsync(roundId, Ct));
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
