using System.Text;
using System.Text.Json;
using DurableTask.Core.Entities;
using DurableTask.Core.Entities.OperationFormat;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SignOff.Core.Agreements;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Functions.Durable;
using SignOff.Functions.Http;
using SignOff.Host.Webhooks;
using SignOff.Integration.Tests.Host;
using SignOff.Integration.Tests.Support;
using SignOff.Storage.Agreements;
using SignOff.Storage.Blobs;
using SignOff.Storage.Feed;
using SignOff.Storage.Rounds;
using SignOff.Storage.Webhooks;
using SignOff.Workflow;
using SignOff.Workflow.Agreements;
using SignOff.Workflow.Effects;
using SignOff.Workflow.Rounds;
using SignOff.Workflow.Time;
using SignOff.Workflow.Webhooks;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Functions;

/// <summary>
/// The Functions app's Durable wrappers reach their workflow classes: the orchestrators and
/// activities run on the SDK's in-process test host (each registered as the wrapper function
/// itself), the entity through the SDK's shim — against the real Azurite, MailDev and a webhook
/// receiver, with the Functions seams (the Durable client) in SignOff's services.
/// </summary>
public sealed class WorkflowFunctionTests : IAsyncLifetime
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    private readonly string prefix = "f" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
    private ServiceProvider functionsApp = null!;
    private WorkflowFunctions functions = null!;
    private DurableTaskTestHost durable = null!;
    private RecordingReceiver receiver = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        receiver = await RecordingReceiver.StartAsync();
        receiver.DefaultStatus = 200;
        functionsApp = FunctionsTestApp.Services(prefix);
        functions = functionsApp.GetRequiredService<WorkflowFunctions>();
        durable = await DurableTaskTestHost.StartAsync(tasks =>
        {
            // Each name runs the Functions wrapper, exactly as the trigger would call it.
            // The input type is declared so the host reads the input as the trigger does; the wrapper takes it from the context.
            tasks.AddOrchestratorFunc<TransitionEffects, EffectsOutcome>(WorkflowNames.RoundEffects, (context, _) => functions.RoundEffects(context));
            tasks.AddOrchestratorFunc<AlarmRequest, bool>(WorkflowNames.RoundAlarm, (context, _) => WorkflowFunctions.RoundAlarm(context));
            tasks.AddOrchestratorFunc<WebhookDeliveryRef, WebhookNext>(WorkflowNames.WebhookDelivery, (context, _) => WorkflowFunctions.WebhookDelivery(context));
            tasks.AddActivityFunc<TransitionRecord, bool>(WorkflowNames.RecordTransition, (context, input) => functions.RecordTransition(input, context.InstanceId));
            tasks.AddActivityFunc<EffectWork, bool>(WorkflowNames.PerformEffect, (context, input) => functions.PerformEffect(input, context.InstanceId, durable.Client));
            tasks.AddOrchestratorFunc<AgreementTransitionEffects, EffectsOutcome>(WorkflowNames.AgreementEffects, (context, _) => functions.AgreementEffects(context));
            tasks.AddActivityFunc<AgreementTransitionRecord, bool>(WorkflowNames.RecordAgreementTransition, (context, input) => functions.RecordAgreementTransition(input, context.InstanceId));
            tasks.AddActivityFunc<AgreementEffectWork, bool>(WorkflowNames.PerformAgreementEffect, (context, input) => functions.PerformAgreementEffect(input, context.InstanceId, durable.Client));
            tasks.AddActivityFunc<WebhookAttemptRequest, WebhookStep>(WorkflowNames.AttemptWebhook, (context, input) => functions.AttemptWebhook(input, context.InstanceId));
        }, new DurableTaskTestHostOptions
        {
            ConfigureServices = services =>
            {
                // The Functions worker's converter: RoundJson, as FunctionsProgram configures it.
                services.ConfigureAll<DurableTaskWorkerOptions>(o =>
                {
                    o.DataConverter = WorkflowJson.Converter;
                    o.EnableEntitySupport = true; // the alarm signals its round (the signal goes nowhere here: the host keeps no entities)
                });
                services.ConfigureAll<DurableTaskClientOptions>(o => o.DataConverter = WorkflowJson.Converter);
            },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await durable.DisposeAsync();
        await functionsApp.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task The_effects_orchestration_records_the_transition_sends_the_emails_and_a_failed_webhook_is_retried_by_its_own_orchestration()
    {
        var services = (await functionsApp.GetRequiredService<SignOffWebHost>().ReadyAsync()).Services;
        var store = services.GetRequiredService<WebhookStore>();
        await store.AddSubscriptionAsync(new WebhookSubscription("wh_functions", receiver.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/hook",
            ["round.started"], null, SubscriptionStatus.Active, null, services.GetRequiredService<SecretSealer>().Seal("whsec_" + Convert.ToBase64String(new byte[32])), null, null, DateTimeOffset.UtcNow), Ct);
        var launch = await LaunchAsync(services);
        receiver.Then(503, "busy"); // the fan-out's own first attempt fails, so the delivery's orchestration takes the retry

        var instance = await durable.Client.ScheduleNewOrchestrationInstanceAsync(WorkflowNames.RoundEffects, launch,
            new StartOrchestrationOptions(WorkflowNames.EffectsInstanceId(launch.RoundId, 1)), Ct);
        var done = await WaitAsync(instance);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails?.ErrorType} {done.FailureDetails?.ErrorMessage}");
        var outcome = done.ReadOutputAs<EffectsOutcome>()!;
        Assert.Empty(outcome.Failed);
        Assert.Equal(launch.Effects.Count, outcome.Performed);

        // RecordTransition wrote the read side; PerformEffect sent the invitations; the webhook went through its own orchestration.
        Assert.Equal(launch.State.EventCount, (await services.GetRequiredService<RoundReadModel>().LoadAsync(launch.RoundId, Ct))!.EventCount);
        var invitations = (await MailDevInbox.ForRoundAsync(launch.RoundId, Ct)).Count(m => m.Subject.StartsWith("Please take", StringComparison.Ordinal));
        Assert.Equal(launch.State.Partners.Count, invitations);
        var delivery = (await store.ListDeliveriesAsync("wh_functions", Ct)).Single().Delivery;
        var run = await WaitAsync(delivery.Runner!);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        Assert.Equal(WebhookNext.Stop, run.ReadOutputAs<WebhookNext>());
        var (delivered, attempts) = (await store.ListDeliveriesAsync("wh_functions", Ct)).Single();
        Assert.Equal(DeliveryStatus.Delivered, delivered.Status);
        Assert.Equal([503, 200], attempts.Select(a => a.StatusCode ?? 0));
        Assert.All(receiver.Requests.Where(r => r.Path == "/hook"), hook => Assert.Equal("round.started", JsonDocument.Parse(hook.Body).RootElement.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task The_alarm_orchestration_waits_for_its_instant_then_signals_its_round()
    {
        var wakeAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var instance = await durable.Client.ScheduleNewOrchestrationInstanceAsync(WorkflowNames.RoundAlarm, new AlarmRequest("no-such-round", wakeAt), Ct);

        var done = await WaitAsync(instance);

        // The in-process host keeps no entities (the spike showed it), so the signal to the round,
        // the alarm's last step, is refused here: that it got there, and only after its instant,
        // is what this host can show. The signal itself is proved on the local runtime (DurableEngineTests).
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(typeof(NotSupportedException).FullName, done.FailureDetails!.ErrorType);
        Assert.Contains("entities", done.FailureDetails.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        Assert.True(done.LastUpdatedAt >= wakeAt.AddMilliseconds(-50), $"it signalled at {done.LastUpdatedAt:O}, before its instant {wakeAt:O}");
    }

    [Fact]
    public async Task The_entity_trigger_runs_the_round_entity_with_signoffs_decider_and_clock()
    {
        var services = (await functionsApp.GetRequiredService<SignOffWebHost>().ReadyAsync()).Services;
        var draft = await DraftAsync(services);
        var start = new StartRound("start", "fn-round-1", Definition(services), draft, new Actor("Programme Office", "office@alliance.example", ActorRole.Coordinator));

        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = WorkflowJson.Converter, EnableEntitySupport = true }, NullLoggerFactory.Instance);
        var id = new EntityId(WorkflowNames.RoundEntity, "fn-round-1");
        var entity = shims.CreateEntity(WorkflowNames.RoundEntity, await functions.NewRoundEntityAsync(), id);
        var result = await entity.ExecuteOperationBatchAsync(new EntityBatchRequest
        {
            InstanceId = id.ToString(),
            Operations = [new OperationRequest { Operation = WorkflowNames.Operations.Apply, Id = Guid.NewGuid(), Input = WorkflowJson.Converter.Serialize(start) }],
        });

        Assert.True(result.Results is not null, $"the batch failed: {result.FailureDetails?.ErrorType} {result.FailureDetails?.ErrorMessage}");
        Assert.All(result.Results, r => Assert.False(r.IsError, r.FailureDetails?.ErrorMessage));
        var record = WorkflowJson.Converter.Deserialize<RoundRecord>(result.EntityState!)!;
        Assert.True(record.Applied("start"));
        Assert.Equal(RoundStatus.Circulating, record.Round.Status);
        Assert.Contains(result.Actions!.OfType<StartNewOrchestrationOperationAction>(), a => a.InstanceId == WorkflowNames.EffectsInstanceId("fn-round-1", 1));

        // The round clock is SignOff's (the development clock here), not the machine's.
        var clock = services.GetRequiredService<TimeProvider>();
        Assert.Equal(LondonTime.DateOf(clock.GetUtcNow()), record.Round.LaunchedOn);
    }

    [Fact]
    public async Task The_agreement_entity_and_its_effects_run_as_functions_into_the_register_the_feed_and_the_inbox()
    {
        var services = (await functionsApp.GetRequiredService<SignOffWebHost>().ReadyAsync()).Services;
        var agreementId = "fn-agreement-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        var today = LondonTime.DateOf(services.GetRequiredService<TimeProvider>().GetUtcNow());
        var open = new OpenAgreement("register:fn", agreementId, new AgreementInfo("Functions Alliance MoU", "FN-MOU"), new AgreementTerms(null, NoticePeriod.Default, AgreementTerms.DefaultReviewReminders, "england-and-wales"),
            new Person("Programme Office", "office@alliance.example"), [new Person("Chair", "chair@alliance.example")], await DraftAsync(services), today,
            [new Signatory("a", "A Council", new Person("Ann", "ann@a.example"), 1), new Signatory("b", "B Council", new Person("Bob", "bob@b.example"), 1)]);
        var notice = new GiveNotice("api:fn-notice", "a", today, "Leaving", new Actor("Programme Office", "office@alliance.example", ActorRole.Coordinator));
        await services.GetRequiredService<WebhookStore>().AddSubscriptionAsync(new WebhookSubscription("wh_register", receiver.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/register",
            [], null, SubscriptionStatus.Active, null, services.GetRequiredService<SecretSealer>().Seal("whsec_" + Convert.ToBase64String(new byte[32])), null, null, DateTimeOffset.UtcNow), Ct);

        // The entity, as its trigger runs it: both operations in one batch.
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = WorkflowJson.Converter, EnableEntitySupport = true }, NullLoggerFactory.Instance);
        var id = new EntityId(WorkflowNames.AgreementEntity, agreementId);
        var entity = shims.CreateEntity(WorkflowNames.AgreementEntity, await functions.NewAgreementEntityAsync(), id);
        var result = await entity.ExecuteOperationBatchAsync(new EntityBatchRequest
        {
            InstanceId = id.ToString(),
            Operations =
            [
                new OperationRequest { Operation = WorkflowNames.Operations.Apply, Id = Guid.NewGuid(), Input = WorkflowJson.Converter.Serialize(open) },
                new OperationRequest { Operation = WorkflowNames.Operations.Apply, Id = Guid.NewGuid(), Input = WorkflowJson.Converter.Serialize(notice) },
            ],
        });
        Assert.True(result.Results is not null, $"the batch failed: {result.FailureDetails?.ErrorType} {result.FailureDetails?.ErrorMessage}");
        Assert.All(result.Results, r => Assert.False(r.IsError, r.FailureDetails?.ErrorMessage));
        var record = WorkflowJson.Converter.Deserialize<AgreementRecord>(result.EntityState!)!;
        Assert.True(record.Applied("api:fn-notice"));
        Assert.Equal(2, record.Transitions);
        var starts = result.Actions!.OfType<StartNewOrchestrationOperationAction>().ToList();
        Assert.Contains(starts, a => a.InstanceId == WorkflowNames.AgreementEffectsInstanceId(agreementId, 2) && a.Name == WorkflowNames.AgreementEffects);
        Assert.Contains(starts, a => a.InstanceId!.StartsWith($"alarm:agreement:{agreementId}:", StringComparison.Ordinal) && a.Name == WorkflowNames.RoundAlarm);

        // Each transition's effects, as the entity started them, through the orchestration and activity functions.
        foreach (var start in starts.Where(a => a.Name == WorkflowNames.AgreementEffects).OrderBy(a => a.InstanceId, StringComparer.Ordinal))
        {
            var input = WorkflowJson.Converter.Deserialize<AgreementTransitionEffects>(start.Input)!;
            var instance = await durable.Client.ScheduleNewOrchestrationInstanceAsync(WorkflowNames.AgreementEffects, input, new StartOrchestrationOptions(start.InstanceId), Ct);
            var done = await WaitAsync(instance);
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails?.ErrorType} {done.FailureDetails?.ErrorMessage}");
            Assert.Empty(done.ReadOutputAs<EffectsOutcome>()!.Failed);
        }

        var listed = Assert.Single(await services.GetRequiredService<AgreementReadModel>().ListAsync(Ct), a => a.AgreementId == agreementId);
        Assert.Equal(2, listed.PartiesBound);
        var fed = new List<FeedEntry>();
        for (var page = await services.GetRequiredService<EventFeed>().ReadAsync(0, 1000, Ct); ; page = await services.GetRequiredService<EventFeed>().ReadAsync(fed[^1].Position, 1000, Ct))
        {
            fed.AddRange(page.Entries);
            if (!page.More)
            {
                break;
            }
        }

        var stream = fed.Where(e => e.Stream == FeedStreams.Agreement && e.StreamId == agreementId).ToList();
        Assert.Equal(Enumerable.Range(1, (int)record.EventCount).Select(i => (long)i), stream.Select(e => e.Event.Sequence));
        var mails = await MailDevInbox.ForAgreementAsync(agreementId, Ct);
        Assert.Equal(["bob@b.example", "chair@alliance.example", "office@alliance.example"], mails.Select(m => m.To).Order());
        Assert.All(mails, m => Assert.Equal("Notice given: A Council is leaving Functions Alliance MoU", m.Subject));

        // The webhook went to the subscriber of every event, naming the agreement and the party.
        var hook = JsonDocument.Parse(Assert.Single(receiver.Requests, r => r.Path == "/register").Body).RootElement;
        Assert.Equal("party.notice_given", hook.GetProperty("type").GetString());
        Assert.Equal(agreementId, hook.GetProperty("data").GetProperty("agreementId").GetString());
        Assert.Equal("a", hook.GetProperty("data").GetProperty("partyId").GetString());
    }

    /// <summary>A two-partner round due two months after the round clock's today.</summary>
    private static RoundDefinition Definition(IServiceProvider services) =>
        new RoundDefinitionBuilder().Deadline(LondonTime.DateOf(services.GetRequiredService<TimeProvider>().GetUtcNow()).AddMonths(2)).Partners(2, Routes.FullCouncil).Build();

    private static async Task<DocumentRef> DraftAsync(IServiceProvider services) =>
        await services.GetRequiredService<BlobDocumentStore>().PutAsync(DocumentInspector.Inspect(Pdf, 65536), Pdf, "draft.pdf", Ct);

    /// <summary>A launch decided by the pure core, as the round entity would hand it to its effects.</summary>
    private static async Task<TransitionEffects> LaunchAsync(IServiceProvider services)
    {
        var roundId = "fn-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        var start = new StartRound("launch", roundId, Definition(services), await DraftAsync(services), new Actor("Programme Office", "office@alliance.example", ActorRole.Coordinator));
        var decision = services.GetRequiredService<RoundProcess>().Decide(null, start, services.GetRequiredService<TimeProvider>().GetUtcNow());
        var accepted = Assert.IsType<RoundDecision.Accepted>(decision, exactMatch: false);
        return new TransitionEffects(roundId, 1, start.TriggerId, accepted.State, accepted.Events, accepted.Effects);
    }

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId)
    {
        using var within = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        within.CancelAfter(TimeSpan.FromSeconds(60));
        return await durable.Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, within.Token);
    }
}
