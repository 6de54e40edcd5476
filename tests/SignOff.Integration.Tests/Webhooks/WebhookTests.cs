using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SignOff.Host.Webhooks;
using SignOff.Integration.Tests.Host;
using SignOff.Integration.Tests.Support;
using SignOff.Storage.Webhooks;

namespace SignOff.Integration.Tests.Webhooks;

/// <summary>
/// Webhooks end to end against real Azurite and a real receiver on loopback: every delivery is
/// checked with the reference verifier (npm standardwebhooks, through node), retries follow the
/// schedule on the host's clock, and the SSRF guard refuses what it must.
/// </summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private static readonly string[] RoundStartedOnly = ["round.started"];
    private static readonly string[] UnknownEvents = ["partner.decided", "partner.exploded"];
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    private readonly SignOffFactory host = new(extra: new Dictionary<string, string?>
    {
        ["Webhooks:AllowHttp"] = "true",
        ["Webhooks:AllowedHosts:0"] = "localhost",
        ["Webhooks:Timeout"] = "00:00:01",
    });

    private RecordingReceiver receiver = null!;
    private HttpClient api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebhookDispatcher Dispatcher => host.Services.GetRequiredService<WebhookDispatcher>();

    private WebhookStore Store => host.Services.GetRequiredService<WebhookStore>();

    private string HookUrl => receiver.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/hook";

    public async ValueTask InitializeAsync()
    {
        receiver = await RecordingReceiver.StartAsync();
        receiver.DefaultStatus = 200;
        api = host.Api();
        await host.SetClockAsync("2021-06-01T09:00:00Z", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        api.Dispose();
        await receiver.DisposeAsync();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Every_event_of_a_round_arrives_signed_so_the_reference_verifier_accepts_it()
    {
        var (id, secret) = await SubscribeAsync();
        var listed = await api.GetFromJsonAsync<JsonElement>("/api/webhooks", Ct);
        Assert.DoesNotContain("whsec_", listed.GetRawText(), StringComparison.Ordinal);

        var roundId = await LaunchAsync();
        await DeliverAllAsync();

        var received = Hooks();
        var types = received.Select(r => Json(r.Body).GetProperty("type").GetString()).ToList();
        Assert.Equal(["partner.invited", "partner.invited", "round.started"], types.Order(StringComparer.Ordinal));
        Assert.All(received, r => Assert.Equal(roundId, Json(r.Body).GetProperty("data").GetProperty("roundId").GetString()));
        Assert.Equal(received.Count, received.Select(r => r.Headers["webhook-id"]).Distinct().Count());
        var verdicts = await ReferenceVerifier.VerifyAsync(received.Select(r => (secret, r)), Ct);
        Assert.All(verdicts, v => Assert.True(v.Ok, v.Error));

        // The same check refuses a delivery verified with another secret: it is not vacuous.
        var wrong = await ReferenceVerifier.VerifyAsync([("whsec_" + Convert.ToBase64String(new byte[32]), received[0])], Ct);
        Assert.False(wrong[0].Ok);

        var log = await api.GetFromJsonAsync<JsonElement>($"/api/webhooks/{id}/deliveries", Ct);
        Assert.All(log.EnumerateArray(), d => Assert.Equal("delivered", d.GetProperty("status").GetString()));
        Assert.All(log.EnumerateArray(), d => Assert.Equal(200, d.GetProperty("attemptLog")[0].GetProperty("statusCode").GetInt32()));
    }

    [Fact]
    public async Task A_first_attempt_goes_straight_from_the_fan_out_and_needs_no_orchestration_when_it_is_delivered()
    {
        var (id, _) = await SubscribeAsync(RoundStartedOnly);
        var roundId = await LaunchAsync();
        await DeliverAllAsync();

        var (delivery, attempts) = (await Store.ListDeliveriesAsync(id, Ct)).Single();
        Assert.Single(Hooks());
        Assert.Equal(DeliveryStatus.Delivered, delivery.Status);
        Assert.Equal(200, Assert.Single(attempts).StatusCode);

        // Named for the instance that would have carried on had it failed, and that instance was never needed.
        Assert.Equal(SignOff.Workflow.WorkflowNames.WebhookInstanceId(id, delivery.DeliveryId), delivery.Runner);
        Assert.StartsWith(roundId + ":", delivery.DeliveryId, StringComparison.Ordinal);
        Assert.Null(await host.Services.GetRequiredService<SignOff.Host.Durable.DurableRoundEngine>().InstanceAsync(delivery.Runner!));
    }

    [Fact]
    public async Task A_failed_first_attempt_is_retried_by_the_deliverys_own_orchestration_on_a_durable_timer()
    {
        var (id, _) = await SubscribeAsync(RoundStartedOnly);
        receiver.Then(500, "boom");
        await LaunchAsync(partners: 1);
        await DeliverAllAsync();
        var delivery = (await Store.ListDeliveriesAsync(id, Ct)).Single().Delivery;
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);

        // The retry is about 5 s away (±20%), in real time as well as on the round clock: the orchestration's timer takes it.
        var run = await WaitForInstanceAsync(delivery.Runner!, TimeSpan.FromSeconds(30));
        Assert.Equal(DurableTask.Core.OrchestrationStatus.Completed, run.OrchestrationStatus);
        var (after, attempts) = (await Store.ListDeliveriesAsync(id, Ct)).Single();
        Assert.Equal(DeliveryStatus.Delivered, after.Status);
        Assert.Equal([500, 200], attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal(2, Hooks().Count);
        Assert.Single(Hooks().Select(r => r.Headers["webhook-id"]).Distinct());
    }

    [Fact]
    public async Task A_replay_supersedes_a_run_still_waiting_for_its_retry_so_the_event_goes_once_more_not_twice()
    {
        var (id, _) = await SubscribeAsync(RoundStartedOnly);
        receiver.Then(500, "boom");
        await LaunchAsync(partners: 1);
        await DeliverAllAsync();
        var first = (await Store.ListDeliveriesAsync(id, Ct)).Single().Delivery;
        Assert.Equal(DeliveryStatus.Pending, first.Status); // the first run waits about 5 s for its retry

        var replayed = await Dispatcher.ReplayAsync(id, first.DeliveryId, Ct);
        Assert.NotEqual(first.Runner, replayed!.Runner);
        await DeliverAllAsync();
        Assert.Equal(2, Hooks().Count);

        // The first run wakes for its retry, finds the replay runs the delivery now, and stops without sending.
        var superseded = await WaitForInstanceAsync(first.Runner!, TimeSpan.FromSeconds(30));
        Assert.Equal(DurableTask.Core.OrchestrationStatus.Completed, superseded.OrchestrationStatus);
        Assert.Equal(2, Hooks().Count);
        Assert.Single(Hooks().Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.Equal(DeliveryStatus.Delivered, (await Store.ListDeliveriesAsync(id, Ct)).Single().Delivery.Status);
    }

    [Fact]
    public async Task A_receiver_failing_three_times_gets_the_same_event_id_until_it_answers_and_retry_after_is_honoured()
    {
        var (id, secret) = await SubscribeAsync(["round.started"]);
        receiver.Then(503, "busy", ("Retry-After", "3600"));
        receiver.Then(500, "boom");
        receiver.Then(502);
        await LaunchAsync();
        await DeliverAllAsync();
        Assert.Single(Hooks());

        // The schedule says 5 s, the receiver asked for an hour: nothing goes before the hour.
        var pending = (await Store.ListDeliveriesAsync(id, Ct)).Single().Delivery;
        Assert.True(pending.NextAttemptAt >= host.Services.GetRequiredService<TimeProvider>().GetUtcNow() + TimeSpan.FromMinutes(59), "Retry-After: 3600 was not honoured");
        await host.AdvanceClockAsync("PT10M", Ct);
        await DeliverAllAsync();
        Assert.Single(Hooks());

        // After the hour, the second attempt (500); 5 min (±20%) later the third (502); 30 min (±20%) later the fourth.
        await host.AdvanceClockAsync("PT55M", Ct);
        await DeliverAllAsync();
        Assert.Equal(2, Hooks().Count);
        await host.AdvanceClockAsync("PT7M", Ct);
        await DeliverAllAsync();
        Assert.Equal(3, Hooks().Count);
        await host.AdvanceClockAsync("PT40M", Ct);
        await DeliverAllAsync();

        var received = Hooks();
        Assert.Equal(4, received.Count);
        Assert.Single(received.Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.All(await ReferenceVerifier.VerifyAsync(received.Select(r => (secret, r)), Ct), v => Assert.True(v.Ok, v.Error));
        var (delivery, attempts) = (await Store.ListDeliveriesAsync(id, Ct)).Single();
        Assert.Equal(DeliveryStatus.Delivered, delivery.Status);
        Assert.Equal([503, 500, 502, 200], attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal("boom", attempts[1].ResponseSnippet);
    }

    [Fact]
    public async Task A_410_disables_the_subscription_and_tells_the_coordinator()
    {
        var (id, _) = await SubscribeAsync(["round.started"]);
        receiver.Then(410, "gone");
        var roundId = await LaunchAsync();
        await DeliverAllAsync();

        var subscription = await api.GetFromJsonAsync<JsonElement>($"/api/webhooks/{id}", Ct);
        Assert.Equal("disabled", subscription.GetProperty("status").GetString());
        Assert.Contains("410", subscription.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Failed, (await Store.ListDeliveriesAsync(id, Ct)).Single().Delivery.Status);
        var mail = await WaitForMailAsync(roundId, m => m.Subject.StartsWith("Webhooks to localhost have stopped", StringComparison.Ordinal));
        Assert.Equal("office@alliance.example", mail.To);

        // Told through the round: the failure is in its audit log, and the email is one of its effects.
        var events = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        var failed = Assert.Single(events.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "DeliveryFailed");
        Assert.Contains("410", failed.GetProperty("data").GetProperty("failure").GetProperty("reason").GetString(), StringComparison.Ordinal);

        // Disabled: later events are not even recorded for it.
        await host.AdvanceClockAsync("P1D", Ct);
        await LaunchAsync();
        await DeliverAllAsync();
        Assert.Single(Hooks());
    }

    [Fact]
    public async Task A_register_event_given_up_is_recorded_on_the_agreement_not_the_round_that_made_it_and_the_coordinator_emailed()
    {
        // A subscriber names a register event by its type, and receives it with the agreement and the party.
        var (id, _) = await SubscribeAsync(["party.notice_given"]);
        receiver.Then(410, "gone");
        var agreementId = await EffectiveAsync();
        var partyId = (await api.GetFromJsonAsync<JsonElement>($"/api/agreements/{agreementId}", Ct)).GetProperty("parties")[0].GetProperty("partyId").GetString()!;
        var noticed = await api.PostAsJsonAsync($"/api/agreements/{agreementId}/parties/{partyId}/notice", new { givenOn = "2021-06-15", reason = "Merging" }, Ct);
        Assert.Equal(HttpStatusCode.OK, noticed.StatusCode);
        await DeliverAllAsync();

        // The register's effects start from the agreement's own entity, a moment after the round's have settled.
        var hook = Assert.Single(await EventuallyAsync(() => Task.FromResult(Hooks()), h => h.Count > 0));
        var data = Json(hook.Body).GetProperty("data");
        Assert.Equal("party.notice_given", Json(hook.Body).GetProperty("type").GetString());
        Assert.Equal((agreementId, partyId, "2021-07-15"), (data.GetProperty("agreementId").GetString(), data.GetProperty("partyId").GetString(), data.GetProperty("boundUntil").GetString()));
        Assert.Equal("disabled", (await api.GetFromJsonAsync<JsonElement>($"/api/webhooks/{id}", Ct)).GetProperty("status").GetString());

        // The agreement shows what was given up, where the coordinator looks; the closed round that made it does not.
        var failure = await EventuallyAsync(async () => (await api.GetFromJsonAsync<JsonElement>($"/api/agreements/{agreementId}", Ct)).GetProperty("deliveryFailures"),
            f => f.GetArrayLength() > 0);
        var failed = Assert.Single(failure.EnumerateArray());
        Assert.Equal("webhook", failed.GetProperty("channel").GetString());
        Assert.Equal("party.notice_given event", failed.GetProperty("what").GetString());
        Assert.Equal(HookUrl, failed.GetProperty("destination").GetString());
        Assert.Contains("410", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal($"{id} (Partnership dashboard)", failed.GetProperty("stoppedSubscription").GetString());
        Assert.Equal(hook.Headers["webhook-id"], failed.GetProperty("reference").GetString());
        var mail = await EventuallyAsync(async () => (await MailDevInbox.ForAgreementAsync(agreementId, Ct)).FirstOrDefault(m => m.Subject.StartsWith("Webhooks to localhost have stopped", StringComparison.Ordinal)),
            m => m is not null);
        Assert.Equal("office@alliance.example", mail?.To);
        var history = await EventuallyAsync(async () => (await api.GetFromJsonAsync<JsonElement>($"/api/agreements/{agreementId}", Ct)).GetProperty("history").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList(), h => h.Contains("AgreementDeliveryFailed"));
        Assert.Contains("AgreementDeliveryFailed", history);
        var roundEvents = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{agreementId}/events?max=1000", Ct);
        Assert.DoesNotContain(roundEvents.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "DeliveryFailed");
    }

    [Fact]
    public async Task After_the_last_of_ten_attempts_over_three_days_the_subscription_is_disabled_and_the_coordinator_emailed()
    {
        var (id, _) = await SubscribeAsync(["round.started"]);
        receiver.DefaultStatus = 500;
        var roundId = await LaunchAsync();
        await DeliverAllAsync();
        for (var i = 0; i < 12; i++)
        {
            await host.AdvanceClockAsync("PT30H", Ct);
            await DeliverAllAsync();
        }

        Assert.Equal(10, Hooks().Count);
        var (delivery, attempts) = (await Store.ListDeliveriesAsync(id, Ct)).Single();
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Equal(Enumerable.Range(1, 10), attempts.Select(a => a.Number));
        Assert.Equal("disabled", (await api.GetFromJsonAsync<JsonElement>($"/api/webhooks/{id}", Ct)).GetProperty("status").GetString());
        await WaitForMailAsync(roundId, m => m.Subject.StartsWith("Webhooks to localhost have stopped", StringComparison.Ordinal));

        // Fixed and resumed, the failed delivery is replayed by time and arrives with its original id.
        receiver.DefaultStatus = 200;
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/webhooks/{id}/resume", null, Ct)).StatusCode);
        var replay = await api.PostAsJsonAsync($"/api/webhooks/{id}/replay", new { since = "2021-01-01T00:00:00Z" }, Ct);
        Assert.Equal(1, (await replay.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("replayed").GetInt32());
        await DeliverAllAsync();
        Assert.Equal(11, Hooks().Count);
        Assert.Single(Hooks().Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.Equal(DeliveryStatus.Delivered, (await Store.ListDeliveriesAsync(id, Ct)).Single().Delivery.Status);
    }

    [Fact]
    public async Task A_slow_receiver_times_out_and_a_redirect_is_a_failure_not_followed()
    {
        var (id, _) = await SubscribeAsync(["round.started", "partner.invited"]);
        receiver.ThenAfter(TimeSpan.FromSeconds(3), 200);
        receiver.Then(302, "", ("Location", receiver.BaseUrl + "/elsewhere"));
        await LaunchAsync(partners: 1);
        await DeliverAllAsync();

        var log = await Store.ListDeliveriesAsync(id, Ct);
        var errors = log.SelectMany(x => x.Attempts).Select(a => a.Error ?? $"status {a.StatusCode}").ToList();
        Assert.Contains(errors, e => e.StartsWith("No answer within 1 s", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Redirected (302)", StringComparison.Ordinal));
        Assert.All(log, x => Assert.Equal(DeliveryStatus.Pending, x.Delivery.Status));
        Assert.DoesNotContain(receiver.Requests, r => r.Path == "/elsewhere");
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hook", "a loopback address")]
    [InlineData("http://169.254.169.254/metadata/identity/oauth2/token", "cloud metadata")]
    [InlineData("http://10.0.0.7/hook", "a private address")]
    [InlineData("http://[::1]:9/hook", "a loopback address")]
    [InlineData("http://[::ffff:192.168.0.1]/hook", "a private address")]
    [InlineData("ftp://example.com/hook", "not an absolute https:// URL")]
    [InlineData("https://user:pass@example.com/hook", "must not carry a user name or password")]
    public async Task Subscribing_an_internal_address_is_refused_and_stores_nothing(string url, string why)
    {
        var response = await api.PostAsJsonAsync("/api/webhooks", new { url }, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("https://signoff.example/problems/webhook-url-refused", problem.GetProperty("type").GetString());
        Assert.Contains(why, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await Store.ListSubscriptionsAsync(Ct));
    }

    [Fact]
    public async Task An_internal_address_is_refused_again_at_delivery_time()
    {
        // As if the name had resolved to a public address when subscribed and to loopback now (DNS rebinding).
        var sealer = host.Services.GetRequiredService<SecretSealer>();
        await Store.AddSubscriptionAsync(new WebhookSubscription("wh_rebound", receiver.BaseUrl + "/hook", [], null, SubscriptionStatus.Active, null,
            sealer.Seal("whsec_" + Convert.ToBase64String(new byte[32])), null, null, DateTimeOffset.UtcNow), Ct);

        await LaunchAsync(partners: 1);
        await DeliverAllAsync();

        Assert.Empty(receiver.Requests);
        var attempts = (await Store.ListDeliveriesAsync("wh_rebound", Ct)).SelectMany(x => x.Attempts).ToList();
        Assert.NotEmpty(attempts);
        Assert.All(attempts, a => Assert.Contains("127.0.0.1, a loopback address", a.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Https_is_required_outside_development()
    {
        await using var production = new SignOffFactory(extra: new Dictionary<string, string?> { ["Webhooks:SecretKey"] = Convert.ToBase64String(new byte[32]) })
            .WithEnvironment("Production");
        var guard = production.Services.GetRequiredService<WebhookTargetGuard>();

        Assert.Equal("Webhook URLs must use https://.", await guard.WhyRefusedAsync(HookUrl, Ct));
        Assert.Contains("a loopback address", await guard.WhyRefusedAsync("https://localhost/hook", Ct), StringComparison.Ordinal);
    }

    /// <summary>The launch's transition as the round entity handed it to its effects orchestration.</summary>
    private async Task<SignOff.Workflow.Effects.TransitionEffects> LaunchEffectsAsync(string roundId)
    {
        var runtime = host.Services.GetRequiredService<SignOff.Host.Durable.LocalDurableRuntime>();
        var state = (await ((DurableTask.Core.IOrchestrationServiceClient)runtime.Service)
            .GetOrchestrationStateAsync(SignOff.Workflow.WorkflowNames.EffectsInstanceId(roundId, 1), false)).Single();
        return SignOff.Workflow.WorkflowJson.Converter.Deserialize<SignOff.Workflow.Effects.TransitionEffects>(state.Input)!;
    }

    [Fact]
    public async Task Performing_the_same_effect_twice_delivers_one_event_id()
    {
        await SubscribeAsync(["partner.invited"]);
        var roundId = await LaunchAsync(partners: 1);
        var launch = await LaunchEffectsAsync(roundId);
        var effect = launch.Effects.OfType<SignOff.Core.Rounds.PublishWebhook>().Single(e => e.Event.Type == "partner.invited");

        await Dispatcher.FanOutAsync(roundId, effect, Ct);
        await Dispatcher.FanOutAsync(roundId, effect, Ct);
        await DeliverAllAsync();

        Assert.Single(Hooks());
    }

    [Fact]
    public async Task Two_rounds_whose_reminders_share_an_effect_id_each_deliver_their_own_event()
    {
        // Same councils, same dates: a reminder's effect id (built from purpose, partner and date)
        // is the same in both rounds, and each round's reminder must still reach the subscriber.
        await SubscribeAsync(["partner.reminded"]);
        var first = await LaunchAsync(partners: 1);
        var second = await LaunchAsync(partners: 1);
        await DeliverAllAsync();

        // The first reminders fall 10 working days before 30 July 2021: Friday 16 July, 09:00 London.
        await host.SetClockAsync("2021-07-16T07:30:00Z", Ct);
        await host.AdvanceClockAsync("PT1H", Ct);
        await DeliverAllAsync();

        var reminders = Hooks().Select(h => (Body: Json(h.Body), Id: h.Headers["webhook-id"])).ToList();
        Assert.Equal(new[] { first, second }.Order(), reminders.Select(r => r.Body.GetProperty("data").GetProperty("roundId").GetString()!).Order());
        Assert.Equal(2, reminders.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_rotated_secret_signs_alongside_the_old_one_so_both_verify()
    {
        var (id, oldSecret) = await SubscribeAsync(["round.started"]);
        var rotated = await api.PostAsJsonAsync($"/api/webhooks/{id}/rotate-secret", new { graceHours = 24 }, Ct);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);

        await LaunchAsync(partners: 1);
        await DeliverAllAsync();

        var hook = Hooks().Single();
        Assert.Equal(2, hook.Headers["webhook-signature"].Split(' ').Length);
        Assert.All(await ReferenceVerifier.VerifyAsync([(oldSecret, hook), (newSecret, hook)], Ct), v => Assert.True(v.Ok, v.Error));
    }

    [Fact]
    public async Task A_paused_subscription_holds_events_and_resuming_sends_them()
    {
        var (id, _) = await SubscribeAsync(["round.started"]);
        Assert.Equal("paused", (await (await api.PostAsync($"/api/webhooks/{id}/pause", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        await LaunchAsync(partners: 1);
        await DeliverAllAsync();
        Assert.Empty(receiver.Requests);
        Assert.Equal(DeliveryStatus.Pending, (await Store.ListDeliveriesAsync(id, Ct)).Single().Delivery.Status);

        await api.PostAsync($"/api/webhooks/{id}/resume", null, Ct);
        await DeliverAllAsync();

        Assert.Single(Hooks());
    }

    [Fact]
    public async Task A_test_event_is_sent_at_once_and_answers_with_its_attempt()
    {
        var (id, secret) = await SubscribeAsync();

        var response = await api.PostAsync($"/api/webhooks/{id}/test", null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var delivery = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        Assert.Equal(200, delivery.GetProperty("attemptLog")[0].GetProperty("statusCode").GetInt32());
        var hook = Hooks().Single();
        Assert.Equal("webhook.test", Json(hook.Body).GetProperty("type").GetString());
        Assert.True((await ReferenceVerifier.VerifyAsync([(secret, hook)], Ct))[0].Ok);
    }

    [Fact]
    public async Task Unknown_event_types_and_unknown_subscriptions_get_problem_details()
    {
        var bad = await api.PostAsJsonAsync("/api/webhooks", new { url = HookUrl, events = UnknownEvents }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("'partner.exploded' is not an event type", (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync("/api/webhooks/wh_nope/test", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync("/api/webhooks/wh_nope", Ct)).StatusCode);
        using var anonymous = host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/webhooks", Ct)).StatusCode);
        var catalogue = await anonymous.GetFromJsonAsync<JsonElement>("/api/webhooks/event-types", Ct);
        Assert.Contains(catalogue.GetProperty("oneOf").EnumerateArray(), b => b.GetProperty("title").GetString() == "agreement.effective");
        Assert.Contains(catalogue.GetProperty("oneOf").EnumerateArray(), b => b.GetProperty("title").GetString() == "party.exited");
    }

    private async Task<(string Id, string Secret)> SubscribeAsync(string[]? events = null)
    {
        var response = await api.PostAsJsonAsync("/api/webhooks", new { url = HookUrl, events, description = "Partnership dashboard" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        return (created.GetProperty("subscription").GetProperty("id").GetString()!, secret);
    }

    private async Task<string> LaunchAsync(int partners = 2)
    {
        var definition = partners == 1
            ? ApiTests.Definition().Replace("  - { name: Chelmsford City Council, officer: { name: Sam Smith, email: sam@chelmsford.example }, governance: { route: cabinet } }\n", "", StringComparison.Ordinal)
            : ApiTests.Definition();
        using var form = new MultipartFormDataContent
        {
            { new StringContent(definition), "definition", "round.yaml" },
            { new ByteArrayContent(Pdf) { Headers = { ContentType = new("application/pdf") } }, "draft", "draft.pdf" },
        };
        var response = await api.PostAsync("/api/rounds", form, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("roundId").GetString()!;
    }

    /// <summary>Launches a round, has both partners approve and sign, and waits until its agreement is in the register.</summary>
    private async Task<string> EffectiveAsync()
    {
        var roundId = await LaunchAsync();
        var partners = (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct)).GetProperty("partners").EnumerateArray()
            .Select(p => p.GetProperty("partnerId").GetString()!).ToList();
        foreach (var partner in partners)
        {
            var decided = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partner}/decision",
                new { outcome = "approve", evidence = "Published decision notice", decidedOn = "2021-06-01" }, Ct);
            Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        }

        await host.AdvanceClockAsync("P14D", Ct);
        foreach (var partner in partners)
        {
            using var counterpart = new MultipartFormDataContent
            {
                { new ByteArrayContent(SignOff.Testing.TestPdfs.Counterpart("Test Alliance MoU", partner)), "file", "signed.pdf" },
                { new StringContent("Pat Chief"), "signatoryName" },
                { new StringContent("Chief Executive"), "signatoryPosition" },
                { new StringContent("2021-06-15"), "signedOn" },
            };
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/rounds/{roundId}/partners/{partner}/counterparts", counterpart, Ct)).StatusCode);
        }

        await DeliverAllAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/agreements/{roundId}", Ct)).StatusCode);
        return roundId;
    }

    private static Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done) => Eventually.ReadAsync(read, done, Ct);

    /// <summary>Waits until every round's effects have run and no delivery is due by the round clock and not yet attempted.</summary>
    private async Task DeliverAllAsync()
    {
        await host.DrainAsync(Ct);
        var clock = host.Services.GetRequiredService<TimeProvider>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var engine = host.Services.GetRequiredService<SignOff.Host.Durable.DurableRoundEngine>();
        while ((await Store.PendingDeliveriesAsync(Ct)).FirstOrDefault(d => d.NextAttemptAt is { } due && due <= clock.GetUtcNow()) is { } late)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                var run = await engine.InstanceAsync(late.Runner!);
                Assert.Fail($"Delivery {late.DeliveryId} was due at {late.NextAttemptAt:O} and not attempted within 30 s; its run {late.Runner} is {run?.OrchestrationStatus}"
                    + $" {run?.FailureDetails?.ErrorType} {run?.FailureDetails?.ErrorMessage} {run?.Output}");
            }

            await Task.Delay(50, Ct);
        }
    }

    /// <summary>An orchestration instance once it has finished.</summary>
    private async Task<DurableTask.Core.OrchestrationState> WaitForInstanceAsync(string instanceId, TimeSpan? within = null)
    {
        var engine = host.Services.GetRequiredService<SignOff.Host.Durable.DurableRoundEngine>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await engine.InstanceAsync(instanceId) is { OrchestrationStatus: not (DurableTask.Core.OrchestrationStatus.Running or DurableTask.Core.OrchestrationStatus.Pending) } done)
            {
                return done;
            }

            Assert.True(waited.Elapsed < (within ?? TimeSpan.FromSeconds(10)), $"Instance {instanceId} did not finish.");
            await Task.Delay(100, Ct);
        }
    }

    private List<RecordingReceiver.Received> Hooks() => [.. receiver.Requests.Where(r => r.Path == "/hook")];

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement.Clone();

    private static async Task<MailDevInbox.Mail> WaitForMailAsync(string roundId, Func<MailDevInbox.Mail, bool> match)
    {
        for (var i = 0; i < 40; i++)
        {
            if ((await MailDevInbox.ForRoundAsync(roundId, Ct)).FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(250, Ct);
        }

        throw new TimeoutException($"No matching mail for round {roundId}.");
    }
}
