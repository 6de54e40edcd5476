using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SignOff.Core.Rounds;
using SignOff.Host.Hosting;
using SignOff.Storage;
using SignOff.Storage.Execution;
using SignOff.Storage.Rounds;

namespace SignOff.Integration.Tests.Host;

/// <summary>
/// The Azure Functions custom-handler contract, as the Functions host would use it: queue and
/// timer invocations posted to <c>/{FunctionName}</c> with <c>Data</c> and <c>Metadata</c>, answered
/// with <c>Outputs</c>, <c>Logs</c> and <c>ReturnValue</c> — against real Azurite and MailDev.
/// </summary>
public sealed class FunctionInvocationTests : IAsyncLifetime
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    private readonly SignOffFactory host = new(extra: new Dictionary<string, string?> { ["Functions:Invocations"] = "true" });
    private HttpClient api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        api = host.Api();
        await host.SetClockAsync("2021-06-01T09:00:00Z", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        api.Dispose();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task An_effects_queue_invocation_sends_the_rounds_emails_once_however_often_it_comes()
    {
        var roundId = await LaunchAsync();
        var (text, dequeueCount) = await TakeQueueMessageAsync(host.Storage);
        var invocation = QueueInvocation(text, dequeueCount);

        var first = await api.PostAsJsonAsync("/Effects", invocation, Ct);
        var again = await api.PostAsJsonAsync("/Effects", invocation, Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var answer = await first.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(JsonValueKind.Object, answer.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("ReturnValue").ValueKind);
        Assert.StartsWith($"Effects: dispatched", answer.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
        var mail = await MailDevInbox.ForRoundAsync(roundId, Ct);
        Assert.Equal(["jo@maldon.example", "sam@chelmsford.example"], mail.Where(m => m.Subject.StartsWith("Please take", StringComparison.Ordinal)).Select(m => m.To).Order());
        Assert.Empty(await host.Services.GetRequiredService<TableRoundStore>().ReadOutboxAsync(roundId, Ct));
    }

    [Fact]
    public async Task A_sweep_timer_invocation_fires_the_timers_that_fell_due()
    {
        var roundId = await LaunchAsync();
        await host.DrainAsync(Ct);

        // The round clock passes the first reminders (16 July, 09:00 London) without the development clock's own sweep.
        host.Services.GetRequiredService<ManualClock>().Set(new DateTimeOffset(2021, 7, 16, 8, 30, 0, TimeSpan.Zero));
        var response = await api.PostAsJsonAsync("/Sweep", TimerInvocation(), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var log = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("Logs")[0].GetString();
        Assert.Matches(@"^Sweep: [1-9]\d* timer\(s\) fired", log);
        await host.DrainAsync(Ct);
        var reminders = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Where(m => m.Subject.StartsWith("Reminder:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, reminders.Count);
    }

    [Fact]
    public async Task A_round_trigger_invocation_wakes_a_round_with_a_due_timer_and_refuses_anything_else()
    {
        var roundId = await LaunchAsync();
        await host.DrainAsync(Ct);
        var store = host.Services.GetRequiredService<TableRoundStore>();
        var state = (await store.LoadAsync(roundId, Ct))!.State;
        var reminder = state.Timers.OrderBy(t => t.DueAt).First();
        host.Services.GetRequiredService<ManualClock>().Set(reminder.DueAt + TimeSpan.FromMinutes(1));

        var fired = await api.PostAsJsonAsync("/RoundTriggers", QueueInvocation(Serialize(new TriggerMessage(roundId, FireTimer.For(reminder.TimerId))), 1), Ct);
        var forged = await api.PostAsJsonAsync("/RoundTriggers", QueueInvocation(Serialize(new TriggerMessage(roundId,
            new RecordDecision("forged-1", state.Partners[0].PartnerId, 1, DecisionOutcome.Declined, "Cabinet", new DateOnly(2021, 6, 1), null, null, "forged", null,
                new Actor("Nobody", "nobody@example.com", ActorRole.Officer)))), 1), Ct);
        var unreadable = await api.PostAsJsonAsync("/RoundTriggers", QueueInvocation("{not json", 1), Ct);
        var incomplete = await api.PostAsJsonAsync("/RoundTriggers", QueueInvocation("{}", 1), Ct);
        var incompleteEffect = await api.PostAsJsonAsync("/Effects", QueueInvocation("""{"roundId":"x"}""", 1), Ct);

        Assert.Equal(HttpStatusCode.OK, fired.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, incompleteEffect.StatusCode);
        var after = (await store.LoadAsync(roundId, Ct))!.State;
        Assert.DoesNotContain(after.Timers, t => t.TimerId == reminder.TimerId);
        Assert.All(after.Partners, p => Assert.Null(p.Decision));
    }

    [Fact]
    public async Task The_invocation_paths_do_not_exist_outside_the_functions_host()
    {
        await using var local = new SignOffFactory();
        using var client = local.Api();

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/Sweep", TimerInvocation(), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/RoundTriggers", QueueInvocation("{}", 1), Ct)).StatusCode);
    }

    private static object QueueInvocation(string message, long dequeueCount) => new
    {
        Data = new { message },
        Metadata = new { DequeueCount = dequeueCount, Id = Guid.NewGuid().ToString(), InsertionTime = "2021-06-01T09:00:00+00:00", sys = new { MethodName = "Effects" } },
    };

    private static object TimerInvocation() => new
    {
        Data = new { timer = new { Schedule = new { AdjustForDST = true }, ScheduleStatus = (object?)null, IsPastDue = false } },
        Metadata = new { sys = new { MethodName = "Sweep", UtcNow = "2021-07-16T08:30:00Z" } },
    };

    private static string Serialize<T>(T message) => JsonSerializer.Serialize(message, RoundJson.Options);

    /// <summary>Takes the effects message the launch enqueued, decoded as the Functions host decodes it.</summary>
    private static async Task<(string Text, long DequeueCount)> TakeQueueMessageAsync(StorageClients storage)
    {
        var message = (await storage.Effects.ReceiveMessageAsync(cancellationToken: Ct)).Value;
        Assert.NotNull(message);
        return (message.Body.ToString(), message.DequeueCount);
    }

    private async Task<string> LaunchAsync()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(ApiTests.Definition()), "definition", "round.yaml" },
            { new ByteArrayContent(Pdf) { Headers = { ContentType = new("application/pdf") } }, "draft", "draft.pdf" },
        };
        var response = await api.PostAsync("/api/rounds", form, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("roundId").GetString()!;
    }
}
