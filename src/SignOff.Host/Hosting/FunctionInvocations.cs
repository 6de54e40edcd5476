using System.Text.Json;
using System.Text.Json.Serialization;
using SignOff.Core.Rounds;
using SignOff.Host.Webhooks;
using SignOff.Storage.Execution;

namespace SignOff.Host.Hosting;

/// <summary>
/// The Azure Functions custom-handler invocation contract for the non-HTTP triggers: the host
/// posts <c>{"Data": {...}, "Metadata": {...}}</c> to <c>/{FunctionName}</c> and reads back
/// <c>{"Outputs": {}, "Logs": [...], "ReturnValue": null}</c>. A 2xx means done; anything else
/// makes the host retry the queue message (and poison it after <c>maxDequeueCount</c>).
/// </summary>
/// <remarks>
/// Mapped only under the Functions host (or when <c>Functions:Invocations</c> is set, for the
/// contract tests). The HTTP functions forward only the app's public paths, so these are not
/// reachable from outside; and even so, a round-trigger invocation may only wake a round with a
/// timer, which the round checks is really due — a forged one cannot record anything.
/// </remarks>
public static class FunctionInvocations
{
    /// <summary>What the Functions host sends.</summary>
    public sealed record Invocation(Dictionary<string, JsonElement>? Data, Dictionary<string, JsonElement>? Metadata);

    /// <summary>What the Functions host reads back, with the property names its contract spells.</summary>
    public sealed record InvocationResult(
        [property: JsonPropertyName("Outputs")] Dictionary<string, object?> Outputs,
        [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
        [property: JsonPropertyName("ReturnValue")] object? ReturnValue);

    /// <summary>How long a timer invocation keeps draining before it leaves the rest to the next one.</summary>
    public static readonly TimeSpan DrainBudget = TimeSpan.FromMinutes(4);

    public static bool Enabled(IConfiguration config) => SignOffHosting.UnderFunctionsHost || config.GetValue<bool>("Functions:Invocations");

    public static void MapFunctionInvocations(this IEndpointRouteBuilder app)
    {
        var functions = app.MapGroup("").ExcludeFromDescription().DisableAntiforgery();
        functions.MapPost("/RoundTriggers", RoundTriggerAsync);
        functions.MapPost("/Effects", EffectAsync);
        functions.MapPost("/Sweep", async (Workers workers, WebhookDispatcher webhooks, CancellationToken ct) =>
        {
            var timers = await DrainAsync(() => workers.SweepTimersAsync(100, ct), 100);
            var stranded = await workers.SweepOutboxAsync(100, ct);
            var deliveries = await DrainAsync(() => webhooks.SweepAsync(100, ct), 100);
            return Done($"Sweep: {timers} timer(s) fired, {stranded} stranded outbox row(s) re-dispatched, {deliveries} webhook delivery(ies) attempted.");
        });
        functions.MapPost("/Digests", async (Workers workers, CancellationToken ct) =>
            Done($"Digests: {await DrainAsync(() => workers.SweepTimersAsync(1000, ct), 1000)} due timer(s) fired."));
    }

    private static async Task<IResult> RoundTriggerAsync(Invocation invocation, Workers workers, ILoggerFactory loggers, CancellationToken ct)
    {
        var log = loggers.CreateLogger("SignOff.Functions.RoundTriggers");
        if (Read<TriggerMessage>(invocation, "message") is not { RoundId: not null, Trigger: not null } message)
        {
            return Failed(StatusCodes.Status400BadRequest, "RoundTriggers: the message is not a round trigger; it will be retried, then poisoned.");
        }

        if (message.Trigger is not FireTimer)
        {
            log.LogWarning("Refused a queued {Trigger} for round {RoundId}: only timer wake-ups come through the queue", message.Trigger.GetType().Name, message.RoundId);
            return Failed(StatusCodes.Status422UnprocessableEntity, $"RoundTriggers: refused {message.Trigger.GetType().Name}; only timer wake-ups come through the queue.");
        }

        await workers.HandleTriggerAsync(message, ct);
        return Done($"RoundTriggers: woke round {message.RoundId} with {message.Trigger.TriggerId} (dequeue {DequeueCount(invocation)}).");
    }

    private static async Task<IResult> EffectAsync(Invocation invocation, Workers workers, CancellationToken ct)
    {
        if (Read<EffectMessage>(invocation, "message") is not { RoundId: not null, TriggerId: not null } message)
        {
            return Failed(StatusCodes.Status400BadRequest, "Effects: the message is not an effects message; it will be retried, then poisoned.");
        }

        try
        {
            return await workers.HandleEffectAsync(message, ct)
                ? Done($"Effects: dispatched {message.TriggerId} of round {message.RoundId}.")
                : Failed(StatusCodes.Status503ServiceUnavailable, $"Effects: another worker holds part of {message.TriggerId}; it comes back after the visibility timeout.");
        }
        catch (RetryLaterException later)
        {
            return Failed(StatusCodes.Status503ServiceUnavailable, $"Effects: {message.TriggerId} deferred: {later.Message}");
        }
    }

    /// <summary>
    /// A queue message as the custom handler receives it: the host passes the (base64-decoded)
    /// content as a JSON string, or as the JSON value itself when it parses as one.
    /// </summary>
    public static T? Read<T>(Invocation invocation, string binding)
        where T : class
    {
        if (invocation.Data is null || !invocation.Data.TryGetValue(binding, out var value))
        {
            return null;
        }

        try
        {
            return value.ValueKind == JsonValueKind.String
                ? JsonSerializer.Deserialize<T>(value.GetString()!, RoundJson.Options)
                : value.Deserialize<T>(RoundJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<int> DrainAsync(Func<Task<int>> pass, int batch)
    {
        var started = TimeProvider.System.GetTimestamp();
        var total = 0;
        int handled;
        do
        {
            handled = await pass();
            total += handled;
        }
        while (handled >= batch && TimeProvider.System.GetElapsedTime(started) < DrainBudget);

        return total;
    }

    private static string DequeueCount(Invocation invocation) =>
        invocation.Metadata is { } m && m.TryGetValue("DequeueCount", out var n) ? n.ToString() : "?";

    private static IResult Done(string log) => Results.Json(new InvocationResult([], [log], null));

    private static IResult Failed(int status, string log) => Results.Json(new InvocationResult([], [log], null), statusCode: status);
}
