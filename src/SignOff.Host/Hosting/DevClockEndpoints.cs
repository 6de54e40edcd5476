using System.Xml;
using SignOff.Storage;
using SignOff.Host.Commands;

namespace SignOff.Host.Hosting;

/// <summary>
/// <c>POST /dev/clock</c> moves the development clock (<c>{"advance":"P10D"}</c> or
/// <c>{"set":"2021-07-01T09:00:00Z"}</c>) and fires whatever fell due. 404 unless the app runs in
/// Development with <c>Clock:Manual=true</c>.
/// </summary>
public static class DevClockEndpoints
{
    public sealed record ClockRequest(string? Advance, DateTimeOffset? Set);

    public sealed record ClockState(DateTimeOffset Now, int TimersFired);

    public static void MapDevClock(this IEndpointRouteBuilder app) =>
        app.MapPost("/dev/clock", async (ClockRequest body, IServiceProvider services, CancellationToken ct) =>
        {
            if (services.GetService<ManualClock>() is not { } clock)
            {
                return Results.NotFound();
            }

            if (body.Advance is { } text)
            {
                TimeSpan by;
                try
                {
                    by = XmlConvert.ToTimeSpan(text);
                }
                catch (FormatException)
                {
                    return Problems.From(new CommandFailure.Invalid(InputProblem.BadDuration, $"'{text}' is not an ISO 8601 duration such as P10D or PT6H."));
                }

                if (by < TimeSpan.Zero)
                {
                    return Problems.From(new CommandFailure.Invalid(InputProblem.BadDuration, "The clock only moves forward with 'advance'; use 'set' to jump."));
                }

                clock.Advance(by);
            }
            else if (body.Set is { } instant)
            {
                clock.Set(instant);
            }
            else
            {
                return Problems.From(new CommandFailure.Invalid(InputProblem.BadClock, "Give 'advance' (an ISO 8601 duration) or 'set' (an instant)."));
            }

            await clock.SaveAsync(services.GetRequiredService<StorageClients>().Settings, ct);
            var fired = await services.GetRequiredService<Commands.IRoundEngine>().FireDueTimersAsync(clockMoved: true, ct);
            // The register's agreements wait on the same clock (a notice running out).
            fired += await services.GetRequiredService<Commands.IAgreementEngine>().FireDueTimersAsync(clockMoved: true, ct);
            await services.GetRequiredService<Webhooks.WebhookDispatcher>().WakeWaitingAsync(ct);

            return Results.Ok(new ClockState(clock.GetUtcNow(), fired));
        }).ExcludeFromDescription().DisableAntiforgery();
}
