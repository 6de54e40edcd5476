using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DurableTask.Core;
using Microsoft.Extensions.DependencyInjection;
using SignOff.Core.Rounds;
using SignOff.Host.Durable;
using SignOff.Integration.Tests.Support;
using SignOff.Workflow;
using SignOff.Workflow.Effects;

namespace SignOff.Integration.Tests.Host;

/// <summary>
/// The round engine on the real Durable Task Framework worker over real Azurite: concurrency,
/// duplicates, refusals, alarms across a restart, two hosts on one task hub, failing effects.
/// </summary>
public sealed class DurableEngineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Actor Officer = new("Jo Bloggs", "jo@maldon.example", ActorRole.Officer);

    /// <summary>A definition with <paramref name="count"/> partners, each taking its decision at a full council.</summary>
    private static string Definition(int count, string reference = "DUR-MOU")
    {
        var partners = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            partners.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  - {{ name: Council {i:D2}, officer: {{ name: Officer {i:D2}, email: officer{i:D2}@council{i:D2}.example }}, governance: {{ route: full-council }} }}");
        }

        return $$"""
            agreement: { title: Durable Alliance MoU, reference: {{reference}} }
            round:
              deadline: 2021-07-30
            coordinator: { name: Programme Office, email: office@alliance.example }
            partners:
            {{partners}}
            """;
    }

    private static async Task<JsonElement> LaunchAsync(HttpClient api, string definition)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(definition), "definition", "round.yaml" },
            { new ByteArrayContent("%PDF-1.4\n%%EOF\n"u8.ToArray()), "draft", "draft.pdf" },
        };
        var response = await api.PostAsync("/api/rounds", form, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>Starts the host on 1 June 2021 and launches a round of <paramref name="partners"/> full councils through its API.</summary>
    private static async Task<(HttpClient Api, JsonElement Round)> LaunchOnAsync(SignOffFactory host, int partners)
    {
        var api = host.Api();
        await host.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        return (api, await LaunchAsync(api, Definition(partners)));
    }

    [Fact]
    public async Task Twenty_officers_deciding_in_the_same_instant_are_all_recorded_and_all_answered()
    {
        await using var host = new SignOffFactory();
        var (api, round) = await LaunchOnAsync(host, partners: 20);
        using var _ = api;
        var roundId = round.GetProperty("roundId").GetString()!;
        var partners = round.GetProperty("partners").EnumerateArray().Select(p => p.GetProperty("partnerId").GetString()!).ToList();
        Assert.Equal(20, partners.Count);

        using var start = new SemaphoreSlim(0);
        var requests = partners.Select(async partnerId =>
        {
            await start.WaitAsync(Ct);
            var response = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partnerId}/decision",
                new { outcome = "approve", evidence = $"Minutes of {partnerId}", decidedOn = "2021-06-01" }, Ct);
            return (partnerId, response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        }).ToList();
        start.Release(partners.Count);
        var answers = await Task.WhenAll(requests);

        // Each officer is answered with the round as it recorded their own decision.
        Assert.All(answers, a =>
        {
            Assert.Equal(HttpStatusCode.OK, a.StatusCode);
            var mine = a.Body.GetProperty("partners").EnumerateArray().Single(p => p.GetProperty("partnerId").GetString() == a.partnerId);
            Assert.Equal("approved", mine.GetProperty("decision").GetProperty("outcome").GetString());
        });
        var final = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct);
        Assert.Equal(20, final.GetProperty("partners").EnumerateArray().Count(p => p.GetProperty("decision").ValueKind == JsonValueKind.Object));
        await host.DrainAsync(Ct);
        var events = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        Assert.Equal(20, events.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("type").GetString() == nameof(DecisionRecorded)));
    }

    [Fact]
    public async Task A_trigger_delivered_twice_to_the_entity_changes_nothing_the_second_time()
    {
        await using var host = new SignOffFactory();
        var (api, round) = await LaunchOnAsync(host, partners: 2);
        using var _ = api;
        var roundId = round.GetProperty("roundId").GetString()!;
        var partnerId = round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!;
        var engine = host.Services.GetRequiredService<DurableRoundEngine>();
        var decision = new RecordDecision("twice", partnerId, 1, DecisionOutcome.Approved, "Full Council", new DateOnly(2021, 6, 1), null, null, null, null, Officer);

        // Two deliveries of the same trigger, as a redelivered message would be (distinct request ids, so the backend's own de-duplication does not hide it).
        await engine.SignalAsync(roundId, WorkflowNames.Operations.Apply, decision, Guid.NewGuid());
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!(await engine.LoadRecordAsync(roundId, Ct))!.Applied("twice") && DateTime.UtcNow < until)
        {
            await Task.Delay(100, Ct);
        }

        // And a third time through the front door: answered as already recorded.
        var answer = await engine.RunAsync(roundId, _ => decision, Ct);

        Assert.IsType<RoundDecision.AlreadyApplied>(answer);
        await host.DrainAsync(Ct);
        var record = await engine.LoadRecordAsync(roundId, Ct);
        Assert.Equal(2, record!.Transitions); // the launch and the decision, once
        Assert.Single(record.Round.ProcessedTriggers, t => t == "twice");
        var confirmations = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Where(m => m.EffectId.StartsWith("twice.", StringComparison.Ordinal)).ToList();
        Assert.Equal(confirmations.Count, confirmations.Select(m => (m.EffectId, m.To)).Distinct().Count());
    }

    [Fact]
    public async Task A_round_that_does_not_confirm_in_time_gets_503_round_busy_and_loses_nothing()
    {
        await using var launcher = new SignOffFactory();
        var (launchApi, round) = await LaunchOnAsync(launcher, partners: 2);
        launchApi.Dispose();

        // A second host on the same task hub that waits no time at all for the round: every
        // answer comes before the entity has recorded it.
        await using var host = new SignOffFactory(launcher.Prefix, new Dictionary<string, string?> { ["Durable:ConfirmTimeout"] = "00:00:00" });
        using var api = host.Api();
        await host.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        var roundId = round.GetProperty("roundId").GetString()!;
        var partnerId = round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/rounds/{roundId}/partners/{partnerId}/decision")
        {
            Content = JsonContent.Create(new { outcome = "approve", evidence = "Minutes" }),
        };
        request.Headers.Add("Idempotency-Key", "busy-1");

        var response = await api.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("https://signoff.example/problems/round-busy", problem.GetProperty("type").GetString());

        // The decision was sent all the same, and the round records it once.
        var engine = host.Services.GetRequiredService<DurableRoundEngine>();
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await engine.LoadAsync(roundId, Ct))!.Partners[0].Decision is null && DateTime.UtcNow < until)
        {
            await Task.Delay(100, Ct);
        }

        Assert.NotNull((await engine.LoadAsync(roundId, Ct))!.Partners[0].Decision);
    }

    [Fact]
    public async Task A_trigger_for_a_round_that_does_not_exist_is_refused_and_leaves_nothing_behind()
    {
        await using var host = new SignOffFactory();
        using var api = host.Api();
        var engine = host.Services.GetRequiredService<DurableRoundEngine>();

        // Through the API: refused before anything is sent.
        var response = await api.PostAsJsonAsync("/api/rounds/no-such-round/partners/someone/decision", new { outcome = "approve", evidence = "x" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        // Straight to the entity, as a stray message would arrive: refused there too, and no state is kept.
        await engine.SignalAsync("ghost-round", WorkflowNames.Operations.Apply,
            new RecordDecision("ghost", "someone", 1, DecisionOutcome.Approved, null, new DateOnly(2021, 6, 1), null, null, null, null, Officer), Guid.NewGuid());
        await engine.SignalAsync("ghost-round", WorkflowNames.Operations.Tick, null, Guid.NewGuid());
        var runtime = host.Services.GetRequiredService<LocalDurableRuntime>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        DurableTask.Core.Entities.EntityBackendQueries.EntityMetadata? metadata;
        do
        {
            await Task.Delay(250, Ct);
            metadata = await runtime.Queries.GetEntityAsync(new("round", "ghost-round"), includeState: true, includeStateless: true, Ct);
        }
        while (metadata?.LastModifiedTime is null && DateTime.UtcNow < deadline);

        Assert.Null(await engine.LoadRecordAsync("ghost-round", Ct));
        Assert.Null(metadata?.SerializedState);
    }

    [Fact]
    public async Task An_alarm_split_into_chained_timers_fires_once_after_a_restart_in_between()
    {
        // The framework's own rule makes a long wait short to test: no single durable timer is
        // longer than MaximumTimerInterval (3 days by default; 2 s here), so a wait of ~8 s is four
        // chained timers, just as 90 days is thirty. The host is stopped after the alarm is armed
        // and a new one takes over the same task hub.
        var prefix = "d" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        var settings = new Dictionary<string, string?> { ["Durable:MaximumTimerInterval"] = "00:00:02" };
        string roundId;
        DateTimeOffset due;
        DateOnly on;
        await using (var first = new SignOffFactory(prefix, settings))
        {
            // The test round's first reminder falls at 09:00 (London) on 16 July 2021; launch 8 s
            // before it, so its alarm is 8 s of real time away (four timers of 2 s).
            due = new DateTimeOffset(2021, 7, 16, 8, 0, 0, TimeSpan.Zero);
            using var api = first.Api();
            await first.SetClockAsync((due - TimeSpan.FromSeconds(8)).ToString("O"), Ct);
            roundId = (await LaunchAsync(api, Definition(1))).GetProperty("roundId").GetString()!;
            var engine = first.Services.GetRequiredService<DurableRoundEngine>();
            var timer = (await engine.LoadAsync(roundId, Ct))!.Timers.MinBy(t => t.DueAt)!;
            Assert.Equal(due, timer.DueAt);
            Assert.Equal(TimerPurpose.Reminder, timer.Purpose);
            on = timer.On;
        }

        await using var second = new SignOffFactory(prefix, settings);
        var restarted = second.Services.GetRequiredService<DurableRoundEngine>();
        _ = second.Api(); // starts the host, and with it the worker
        var until = DateTime.UtcNow.AddSeconds(90);
        RoundState? state;
        do
        {
            await Task.Delay(500, Ct);
            state = await restarted.LoadAsync(roundId, Ct);
        }
        while (state!.Timers.Any(t => t.DueAt == due) && DateTime.UtcNow < until);

        Assert.DoesNotContain(state.Timers, t => t.DueAt == due);
        await second.DrainAsync(Ct);
        var events = await second.Services.GetRequiredService<SignOff.Storage.Rounds.RoundReadModel>().ReadEventsAsync(roundId, 1, 1000, Ct);
        Assert.Single(events, e => e.Event is ReminderSent r && r.On == on);
    }

    [Fact]
    public async Task Two_hosts_on_one_task_hub_share_the_partitions_and_both_serve_rounds()
    {
        var prefix = "p" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        await using var a = new SignOffFactory(prefix);
        await using var b = new SignOffFactory(prefix);
        using var apiA = a.Api();
        using var apiB = b.Api();
        await a.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        await b.SetClockAsync("2021-06-01T09:00:00Z", Ct); // each process keeps its own development clock

        var rounds = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            rounds.Add((await LaunchAsync(i % 2 == 0 ? apiA : apiB, Definition(2, $"TWO-{i}"))).GetProperty("roundId").GetString()!);
        }

        foreach (var (roundId, i) in rounds.Select((r, i) => (r, i)))
        {
            var api = i % 2 == 0 ? apiB : apiA; // decided through the other host
            var round = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct);
            var partnerId = round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!;
            var response = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partnerId}/decision", new { outcome = "approve", evidence = "Minutes" }, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The framework spreads the control-queue partitions: in time each host owns some.
        var hub = a.Services.GetRequiredService<LocalDurableRuntime>().TaskHub;
        // (The framework's table partition manager: one row per control queue, naming its owner.)
        var partitions = a.Storage.Tables.GetTableClient(hub + "Partitions");
        var owners = new HashSet<string>();
        var until = DateTime.UtcNow.AddSeconds(90);
        while (owners.Count < 2 && DateTime.UtcNow < until)
        {
            owners.Clear();
            await foreach (var row in partitions.QueryAsync<Azure.Data.Tables.TableEntity>(cancellationToken: Ct))
            {
                if (row.GetString("CurrentOwner") is { Length: > 0 } owner)
                {
                    owners.Add(owner);
                }
            }

            await Task.Delay(1000, Ct);
        }

        Assert.Equal(2, owners.Count);
        await a.DrainAsync(Ct);
        foreach (var roundId in rounds)
        {
            Assert.Contains(await MailDevInbox.ForRoundAsync(roundId, Ct), m => m.Subject.Contains("recorded", StringComparison.OrdinalIgnoreCase) || m.EffectId.Contains("decision", StringComparison.Ordinal) || m.EffectId.Split('.')[0] != "launch");
        }
    }

    [Fact]
    public async Task An_effect_that_keeps_failing_is_retried_on_its_policy_then_reported_as_failed()
    {
        // SMTP pointed at a port nobody listens on: every send fails.
        await using var host = new SignOffFactory(extra: new Dictionary<string, string?>
        {
            ["Mail:SmtpPort"] = "9",
            ["Durable:EffectRetryDelays:0"] = "00:00:01",
            ["Durable:EffectRetryDelays:1"] = "00:00:01",
        });
        var (api, round) = await LaunchOnAsync(host, partners: 1);
        using var _ = api;
        var roundId = round.GetProperty("roundId").GetString()!;

        await host.DrainAsync(Ct);
        var runtime = host.Services.GetRequiredService<LocalDurableRuntime>();
        var state = (await ((IOrchestrationServiceClient)runtime.Service).GetOrchestrationStateAsync(WorkflowNames.EffectsInstanceId(roundId, 1), false)).Single();
        Assert.True(state.OrchestrationStatus == OrchestrationStatus.Completed,
            $"The effects orchestration is {state.OrchestrationStatus}: {state.FailureDetails?.ErrorType} {state.FailureDetails?.ErrorMessage} {state.Output}");
        var outcome = SignOff.Workflow.WorkflowJson.Converter.Deserialize<EffectsOutcome>(state.Output)!;
        Assert.NotEmpty(outcome.Failed); // the invitation, given up after three attempts
        Assert.True(outcome.Performed > 0); // the webhook fan-out and the rest were not held back

        // The read side recorded the transition all the same: the audit log does not depend on mail.
        var events = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        Assert.Contains(events.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == nameof(RoundStarted));

        // And the round itself records what was given up, where the coordinator looks (its audit log and page).
        var failed = await WaitForEventAsync(api, roundId, nameof(DeliveryFailed));
        var failure = failed.GetProperty("data").GetProperty("failure");
        Assert.Contains("@", failure.GetProperty("destination").GetString(), StringComparison.Ordinal); // the recipients of the email given up
        Assert.EndsWith("email", failure.GetProperty("what").GetString(), StringComparison.Ordinal);
        var record = await host.Services.GetRequiredService<DurableRoundEngine>().LoadAsync(roundId, Ct);
        Assert.Single(record!.ProcessedTriggers, t => t.StartsWith("failed:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_email_the_provider_refuses_is_given_up_at_once_not_retried()
    {
        // SendGrid answers 401 to everything (a revoked key): retrying cannot help, so each email is
        // tried once and the round records it given up, well before a retry policy would have run out.
        await using var sendGrid = await RecordingReceiver.StartAsync();
        sendGrid.DefaultStatus = 401;
        await using var host = new SignOffFactory(extra: new Dictionary<string, string?>
        {
            ["Mail:Transport"] = "sendgrid",
            ["Mail:SendGrid:ApiKey"] = "SG.revoked",
            ["Mail:SendGrid:Host"] = sendGrid.BaseUrl,
            ["Durable:EffectRetryDelays:0"] = "00:00:02",
            ["Durable:EffectRetryDelays:1"] = "00:00:02",
        });
        var (api, round) = await LaunchOnAsync(host, partners: 1);
        using var _ = api;
        var roundId = round.GetProperty("roundId").GetString()!;

        var failed = await WaitForEventAsync(api, roundId, nameof(DeliveryFailed));
        Assert.EndsWith("email", failed.GetProperty("data").GetProperty("failure").GetProperty("what").GetString(), StringComparison.Ordinal);
        await host.DrainAsync(Ct);

        // Each email was offered to the provider once: no send was repeated by a retry.
        // (By the stable message id: a retry mints a fresh link, so its body differs.)
        var sends = sendGrid.Requests.Where(r => r.Path == "/v3/mail/send")
            .Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("personalizations")[0].GetProperty("headers").GetProperty("X-SignOff-Message").GetString())
            .ToList();
        Assert.NotEmpty(sends);
        Assert.Equal(sends.Count, sends.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task An_agreement_email_the_provider_refuses_is_recorded_on_the_agreement_not_on_the_round_that_made_it()
    {
        // SendGrid takes every email until the agreement is in the register, then refuses everything (a key revoked).
        await using var sendGrid = await RecordingReceiver.StartAsync();
        sendGrid.DefaultStatus = 202;
        await using var host = new SignOffFactory(extra: new Dictionary<string, string?>
        {
            ["Mail:Transport"] = "sendgrid",
            ["Mail:SendGrid:ApiKey"] = "SG.test",
            ["Mail:SendGrid:Host"] = sendGrid.BaseUrl,
            ["Durable:EffectRetryDelays:0"] = "00:00:01",
            ["Durable:EffectRetryDelays:1"] = "00:00:01",
        });
        var (api, round) = await LaunchOnAsync(host, partners: 1);
        using var _ = api;
        var roundId = round.GetProperty("roundId").GetString()!;
        var partnerId = round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partnerId}/decision",
            new { outcome = "approve", evidence = "Published decision notice", decidedOn = "2021-06-01" }, Ct)).StatusCode);
        await host.AdvanceClockAsync("P14D", Ct);
        using var counterpart = new MultipartFormDataContent
        {
            { new ByteArrayContent(SignOff.Testing.TestPdfs.Counterpart("Durable Alliance MoU", partnerId)), "file", "signed.pdf" },
            { new StringContent("Pat Chief"), "signatoryName" },
            { new StringContent("Chief Executive"), "signatoryPosition" },
            { new StringContent("2021-06-15"), "signedOn" },
        };
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/rounds/{roundId}/partners/{partnerId}/counterparts", counterpart, Ct)).StatusCode);
        await host.DrainAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/agreements/{roundId}", Ct)).StatusCode);

        sendGrid.DefaultStatus = 401;
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/agreements/{roundId}/parties/{partnerId}/notice", new { givenOn = "2021-06-15" }, Ct)).StatusCode);

        // The agreement lists what was given up, where the coordinator looks at it.
        JsonElement failures = default;
        for (var i = 0; i < 100 && (failures.ValueKind != JsonValueKind.Array || failures.GetArrayLength() == 0); i++)
        {
            await Task.Delay(200, Ct);
            failures = (await api.GetFromJsonAsync<JsonElement>($"/api/agreements/{roundId}", Ct)).GetProperty("deliveryFailures");
        }

        var failure = Assert.Single(failures.EnumerateArray());
        Assert.Equal("email", failure.GetProperty("channel").GetString());
        Assert.Equal("notice given email", failure.GetProperty("what").GetString());
        Assert.Contains("office@alliance.example", failure.GetProperty("destination").GetString(), StringComparison.Ordinal);
        Assert.Contains("401", failure.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, failure.GetProperty("stoppedSubscription").ValueKind);

        // The round that made the agreement is closed and its log is not where the register's failures go.
        await host.DrainAsync(Ct);
        var events = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        Assert.DoesNotContain(events.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == nameof(DeliveryFailed));
    }

    private static async Task<JsonElement> WaitForEventAsync(HttpClient api, string roundId, string type)
    {
        for (var i = 0; i < 100; i++)
        {
            var events = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
            if (events.GetProperty("events").EnumerateArray().FirstOrDefault(e => e.GetProperty("type").GetString() == type) is { ValueKind: JsonValueKind.Object } found)
            {
                return found.Clone();
            }

            await Task.Delay(200, Ct);
        }

        throw new TimeoutException($"Round {roundId} recorded no {type} event.");
    }
}
