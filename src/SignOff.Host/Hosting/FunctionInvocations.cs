using System.Text.Json;
using System.Text.Json.Serialization;
using SignOff.Host.Commands;
using SignOff.Host.Webhooks;

namespace SignOff.Host.Hosting;

/// <summary>
/// The Azure Functions custom-handler invocation contract for the timer triggers: the host posts
/// <c>{"Data": {...}, "Metadata": {...}}</c> to <c>/{FunctionName}</c> and reads back
/// <c>{"Outputs": {}, "Logs": [...], "ReturnValue": null}</c>.
/// </summary>
/// <remarks>
/// <para>Rounds run on Durable Task now: the round's entity, effects and alarms need no queue
/// of ours, so the queue functions are gone. What remains is a safety net: <c>Sweep</c> wakes any
/// round with a timer due (an alarm lost would otherwise leave it asleep) and sends due webhook
/// retries; <c>Digests</c> does the same hourly. (This bridge is replaced by the Functions
/// isolated app with the Durable extension.)</para>
/// <para>Mapped only under the Functions host (or when <c>Functions:Invocations</c> is set, for the
/// contract tests). The HTTP functions forward only the app's public paths, so these are not
/// reachable from outside; and a round fires only timers its own clock says are due.</para>
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


    public static bool Enabled(IConfiguration config) => SignOffHosting.UnderFunctionsHost || config.GetValue<bool>("Functions:Invocations");

    public static void MapFunctionInvocations(this IEndpointRouteBuilder app)
    {
        var functions = app.MapGroup("").ExcludeFromDescription().DisableAntiforgery();
        functions.MapPost("/Sweep", async (IRoundEngine rounds, CancellationToken ct) =>
            Done($"Sweep: {await rounds.FireDueTimersAsync(clockMoved: false, ct)} timer(s) fired."));
        functions.MapPost("/Digests", async (IRoundEngine rounds, CancellationToken ct) =>
            Done($"Digests: {await rounds.FireDueTimersAsync(clockMoved: false, ct)} due timer(s) fired."));
    }

    private static IResult Done(string log) => Results.Json(new InvocationResult([], [log], null));
}
