using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.Extensions.DependencyInjection;
using SignOff.Core.Rounds;
using SignOff.Host.Durable;
using SignOff.Storage;
using SignOff.Storage.Rounds;
using SignOff.Workflow;
using SignOff.Workflow.Effects;

namespace SignOff.Integration.Tests.Host;

/// <summary>Crashes, duplicates, malformed messages and restarts, with real storage, the real Durable Task worker and real SMTP.</summary>
public sealed class DurabilityTests
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

    /// <summary>A transition's effects orchestration, as the task hub has it.</summary>
    private static async Task<OrchestrationState> EffectsOf(SignOffFactory host, string roundId, long transition) =>
        (await ((IOrchestrationServiceClient)host.Services.GetRequiredService<LocalDurableRuntime>().Service)
            .GetOrchestrationStateAsync(WorkflowNames.EffectsInstanceId(roundId, transition), false)).Single();

    /// <summary>The launch's first invitation, as its effects orchestration was given it.</summary>
    private static async Task<(string TriggerId, SendNotification Invitation)> InvitationAsync(SignOffFactory host, string roundId)
    {
        var launch = WorkflowJson.Converter.Deserialize<TransitionEffects>((await EffectsOf(host, roundId, 1)).Input)!;
        return (launch.TriggerId, launch.Effects.OfType<SendNotification>().First(e => e.Notification.Kind == NotificationKind.Invitation));
    }

    [Fact]
    public async Task A_transitions_effects_started_again_after_a_crash_send_each_email_once()
    {
        // The Azure Storage backend sends an entity's messages before it checkpoints the entity:
        // killed in between, the entity runs its batch again and starts the same effects again.
        var (host, api, roundId, _) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        await host.DrainAsync(Ct);
        var before = await MailDevInbox.ForRoundAsync(roundId, Ct);
        var first = await EffectsOf(host, roundId, 1);

        var again = new ExecutionStartedEvent(-1, first.Input)
        {
            Name = WorkflowNames.RoundEffects,
            Version = "",
            OrchestrationInstance = new OrchestrationInstance { InstanceId = first.OrchestrationInstance.InstanceId, ExecutionId = Guid.NewGuid().ToString("N") },
        };
        await host.Services.GetRequiredService<LocalDurableRuntime>().Service.SendTaskOrchestrationMessageAsync(
            new TaskMessage { Event = again, OrchestrationInstance = again.OrchestrationInstance });
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        await host.DrainAsync(Ct);

        var after = await MailDevInbox.ForRoundAsync(roundId, Ct);
        Assert.Equal(2, before.Count);
        Assert.Equal(before.Count, after.Count);
        Assert.Equal(after.Count, after.Select(m => (m.EffectId, m.To)).Distinct().Count());
    }

    [Fact]
    public async Task Moving_the_round_clock_does_not_expire_a_claim_on_an_effect_in_flight()
    {
        var (host, api, roundId, _) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        await host.DrainAsync(Ct);
        var ledger = host.Services.GetRequiredService<EffectLedger>();
        var (triggerId, invitation) = await InvitationAsync(host, roundId);
        var effect = invitation with { EffectId = "in-flight.0001" };

        // Another worker is sending an invitation (its claim is on real time)...
        var claim = await ledger.ClaimEffectAsync(roundId, effect.EffectId, WallClock.System.UtcNow, EffectLedger.Lease, Ct);
        Assert.Equal(EffectClaimState.Claimed, claim.State);

        // ...when someone moves the round clock on six hours: the claim still holds, so nothing is sent twice.
        await host.AdvanceClockAsync("PT6H", Ct);
        var performer = host.Services.GetRequiredService<IEffectPerformer>();
        await Assert.ThrowsAsync<EffectHeldException>(() => performer.PerformAsync(new EffectWork(roundId, triggerId, effect), Ct));
        Assert.DoesNotContain(await MailDevInbox.ForRoundAsync(roundId, Ct), m => m.EffectId == effect.EffectId);
    }

    [Fact]
    public async Task An_effect_performed_twice_sends_one_email_per_recipient()
    {
        // An activity is run at least once: a crash after the send and before the framework
        // records the activity's result runs it again.
        var (host, api, roundId, _) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        await host.DrainAsync(Ct);
        var (triggerId, invitation) = await InvitationAsync(host, roundId);
        var performer = host.Services.GetRequiredService<IEffectPerformer>();

        await performer.PerformAsync(new EffectWork(roundId, triggerId, invitation), Ct);
        await performer.PerformAsync(new EffectWork(roundId, triggerId, invitation), Ct);

        var mails = await MailDevInbox.ForRoundAsync(roundId, Ct);
        Assert.Equal(2, mails.Count);
        Assert.Equal(mails.Count, mails.Select(m => m.EffectId).Distinct().Count());
    }

    [Fact]
    public async Task Two_workers_performing_the_same_effect_at_once_send_each_email_once()
    {
        var (host, api, roundId, _) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        await host.DrainAsync(Ct);
        var (triggerId, invitation) = await InvitationAsync(host, roundId);
        var effect = invitation with { EffectId = "race.0001" };
        var performer = host.Services.GetRequiredService<IEffectPerformer>();

        // Both race for the effect's claim: the loser is told to come back later (and then finds it done).
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            try
            {
                await performer.PerformAsync(new EffectWork(roundId, triggerId, effect), Ct);
                return "performed";
            }
            catch (EffectHeldException)
            {
                return "held";
            }
        }, Ct)));
        await performer.PerformAsync(new EffectWork(roundId, triggerId, effect), Ct);

        Assert.Contains("performed", outcomes);
        Assert.Single(await MailDevInbox.ForRoundAsync(roundId, Ct), m => m.EffectId == effect.EffectId);
    }

    [Fact]
    public async Task A_malformed_operation_fails_alone_and_the_round_is_unaffected()
    {
        var (host, api, roundId, _) = await LaunchAsync();
        await using var _ = host;
        using var __ = api;
        await host.DrainAsync(Ct);
        var before = await api.GetStringAsync($"/api/rounds/{roundId}", Ct);
        var engine = host.Services.GetRequiredService<DurableRoundEngine>();

        // An operation the entity does not have, and a trigger that is not one: each fails on its own.
        await engine.SignalAsync(roundId, "drop-tables", "{}", Guid.NewGuid());
        await engine.SignalAsync(roundId, WorkflowNames.Operations.Apply, new { nonsense = true }, Guid.NewGuid());

        // The round still takes what comes after them.
        var partnerId = JsonDocument.Parse(before).RootElement.GetProperty("partners")[0].GetProperty("partnerId").GetString();
        var response = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partnerId}/withdraw", new { reason = "30 days' notice" }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = await engine.LoadRecordAsync(roundId, Ct);
        Assert.Equal(2, record!.Transitions);
        Assert.Equal(PartnerStatus.Withdrawn, record.Round.Partners[0].Status);
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
        var path = ApiTests.LinkPattern().Match(invitation.Text).Groups[1].Value;
        using var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        var eventsBefore = (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct)).GetProperty("events").GetArrayLength();

        var first = await browser.GetStringAsync(path, Ct);
        var second = await browser.GetStringAsync(path, Ct);
        var head = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), Ct);

        Assert.Contains("Maldon District Council", first);
        Assert.Contains("Maldon District Council", second);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(eventsBefore, (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct)).GetProperty("events").GetArrayLength());

        var posted = await browser.PostAsync(path, ApiTests.Form(second, ApiTests.FullCouncilApproval()), Ct);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var check = await posted.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Check your answers", check); // nothing recorded yet: the officer confirms first
        var confirmed = await browser.PostAsync(path, new FormUrlEncodedContent(ApiTests.Hidden(check)), Ct);
        Assert.Contains("Decision recorded", await confirmed.Content.ReadAsStringAsync(Ct));
        var round = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct);
        Assert.Equal("authorised", round.GetProperty("partners")[0].GetProperty("status").GetString());

        var forged = await browser.GetAsync("/respond/" + new string('A', 43), Ct);
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Contains("This link cannot be used", await forged.Content.ReadAsStringAsync(Ct));
        Assert.Contains("contact the partnership&#x27;s coordinator", await forged.Content.ReadAsStringAsync(Ct));
        var noToken = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["outcome"] = "decline" }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);

        // A real link whose round has closed names that round's coordinator: the reader knows who to ask.
        (await api.PostAsJsonAsync($"/api/rounds/{roundId}/cancel", new { reason = "Replaced by a new round" }, Ct)).EnsureSuccessStatusCode();
        var closed = await browser.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.NotFound, closed.StatusCode);
        Assert.Contains("Programme Office (office@alliance.example)", await closed.Content.ReadAsStringAsync(Ct));
    }
}
