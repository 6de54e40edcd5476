using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using SignOff.Core.Webhooks;
using SignOff.Storage.Webhooks;
using SignOff.Host.Access;
using SignOff.Host.Commands;

namespace SignOff.Host.Webhooks;

/// <summary>
/// The webhook subscriptions API: subscribe (the secret is shown once), list, delete, rotate the
/// secret, pause and resume, send a test event, read the delivery log, replay.
/// </summary>
public static class WebhookEndpoints
{
    public sealed record CreateRequest(string? Url, IReadOnlyList<string>? Events, string? Description);

    public sealed record RotateRequest(double? GraceHours);

    public sealed record ReplayRequest(DateTimeOffset? Since);

    public sealed record SubscriptionView(string Id, string Url, IReadOnlyList<string> Events, string? Description, string Status, string? DisabledReason,
        DateTimeOffset CreatedAt, DateTimeOffset? PreviousSecretValidUntil)
    {
        public static SubscriptionView From(WebhookSubscription s, DateTimeOffset now) => new(s.Id, s.Url, s.Events.Count == 0 ? ["*"] : s.Events, s.Description,
            s.Status.ToString().ToLowerInvariant(), s.DisabledReason, s.CreatedAt, s.PreviousSecretUntil > now ? s.PreviousSecretUntil : null);
    }

    /// <summary>A new subscription, with its secret: the only time the secret is shown.</summary>
    public sealed record CreatedView(SubscriptionView Subscription, string Secret);

    public sealed record SecretView(string Secret, DateTimeOffset PreviousSecretValidUntil);

    public sealed record AttemptView(int Number, DateTimeOffset At, int? StatusCode, long LatencyMs, string? ResponseSnippet, string? Error);

    public sealed record DeliveryView(string DeliveryId, string WebhookId, string Type, string RoundId, string Status, int Attempts, DateTimeOffset CreatedAt,
        DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, int? LastStatusCode, string? LastError, IReadOnlyList<AttemptView> AttemptLog)
    {
        public static DeliveryView From(WebhookDelivery d, IReadOnlyList<WebhookAttempt> attempts) => new(d.DeliveryId, d.MessageId, d.Type, d.RoundId,
            d.Status.ToString().ToLowerInvariant(), d.Attempts, d.CreatedAt, d.NextAttemptAt, d.DeliveredAt, d.LastStatusCode, d.LastError,
            [.. attempts.Select(a => new AttemptView(a.Number, a.At, a.StatusCode, a.LatencyMs, a.ResponseSnippet, a.Error))]);
    }

    public sealed record ReplayedView(int Replayed);

    /// <summary>The services the endpoints use.</summary>
    public sealed record Deps(WebhookStore Store, WebhookDispatcher Dispatcher, WebhookTargetGuard Guard, SecretSealer Sealer, WebhookOptions Options, TimeProvider Time);

    public static void MapWebhookApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/webhooks/event-types", () => TypedResults.Ok(WebhookCatalogue.Schema()))
            .WithTags("Webhooks").WithSummary("The event catalogue: a JSON Schema with a description and an example for every event type.").AllowAnonymous();
        var api = app.MapGroup("/api/webhooks").WithTags("Webhooks").AddEndpointFilter<ApiKeyFilter>().DisableAntiforgery();
        api.MapPost("/", CreateAsync).WithSummary("Subscribe a URL to events; the response holds the signing secret, shown only this once.");
        api.MapGet("/", async (Deps d, CancellationToken ct) =>
            TypedResults.Ok((await d.Store.ListSubscriptionsAsync(ct)).OrderBy(s => s.CreatedAt).Select(s => SubscriptionView.From(s, d.Time.GetUtcNow())).ToList()))
            .WithSummary("List subscriptions (never their secrets).");
        api.MapGet("/{id}", async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> (string id, Deps d, CancellationToken ct) =>
            await d.Store.GetSubscriptionAsync(id, ct) is { } s ? TypedResults.Ok(SubscriptionView.From(s, d.Time.GetUtcNow())) : NotFound(id))
            .WithSummary("A subscription.");
        api.MapDelete("/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, Deps d, CancellationToken ct) =>
            await d.Store.DeleteSubscriptionAsync(id, ct) ? Changed(d, TypedResults.NoContent()) : NotFound(id))
            .WithSummary("Delete a subscription: nothing more is sent to it.");
        api.MapPost("/{id}/rotate-secret", RotateAsync).WithSummary("A new secret; the old one keeps signing too for a grace period (24 h unless graceHours says otherwise).");
        api.MapPost("/{id}/pause", (string id, Deps d, CancellationToken ct) => SetStatusAsync(id, SubscriptionStatus.Paused, d, ct))
            .WithSummary("Hold deliveries: events are recorded, and delivered on resume.");
        api.MapPost("/{id}/resume", (string id, Deps d, CancellationToken ct) => SetStatusAsync(id, SubscriptionStatus.Active, d, ct))
            .WithSummary("Deliver again (also re-enables a disabled subscription); held deliveries go out now.");
        api.MapPost("/{id}/test", async Task<Results<Ok<DeliveryView>, ProblemHttpResult>> (string id, Deps d, CancellationToken ct) =>
        {
            if (await d.Store.GetSubscriptionAsync(id, ct) is not { } s)
            {
                return NotFound(id);
            }

            var delivery = await d.Dispatcher.SendTestAsync(s, ct);
            return TypedResults.Ok(await ViewAsync(d, delivery, ct));
        }).WithSummary("Send a webhook.test event now, signed as any other; answers with the attempt.");
        api.MapGet("/{id}/deliveries", DeliveriesAsync).WithSummary("The delivery log, newest first: every attempt with its status code, latency and the start of the answer.");
        api.MapPost("/{id}/deliveries/{deliveryId}/replay", async Task<Results<Ok<DeliveryView>, ProblemHttpResult>> (string id, string deliveryId, Deps d, CancellationToken ct) =>
            await d.Dispatcher.ReplayAsync(id, deliveryId, ct) is { } replayed
                ? TypedResults.Ok(await ViewAsync(d, replayed, ct))
                : Problems.From(new CommandFailure.NotFound($"Subscription '{id}' has no delivery '{deliveryId}'.")))
            .WithSummary("Send a delivery again (same body, same webhook-id), starting a new series of attempts.");
        api.MapPost("/{id}/replay", ReplayFailedAsync).WithSummary("Send again every failed delivery recorded since a time.");
    }

    private static async Task<Results<Created<CreatedView>, ProblemHttpResult>> CreateAsync(CreateRequest body, Deps d, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Url))
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.WebhookUrlRequired, "Give the 'url' events should be posted to."));
        }

        var events = (body.Events ?? []).Where(e => e != "*").Distinct(StringComparer.Ordinal).ToList();
        if (events.FirstOrDefault(e => WebhookCatalogue.Find(e) is null) is { } unknown)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.UnknownEventType,
                $"'{unknown}' is not an event type; see GET /api/webhooks/event-types. Known types: {string.Join(", ", WebhookCatalogue.Types.Select(t => t.Type))}."));
        }

        if (await d.Guard.WhyRefusedAsync(body.Url.Trim(), ct) is { } why)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.WebhookUrlRefused, why));
        }

        var secret = WebhookSignature.SecretFrom(RandomNumberGenerator.GetBytes(32));
        var subscription = new WebhookSubscription($"wh_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}", body.Url.Trim(), events,
            string.IsNullOrWhiteSpace(body.Description) ? null : body.Description.Trim(), SubscriptionStatus.Active, null, d.Sealer.Seal(secret), null, null, d.Time.GetUtcNow());
        await d.Store.AddSubscriptionAsync(subscription, ct);
        d.Dispatcher.SubscriptionsChanged();
        return TypedResults.Created($"/api/webhooks/{subscription.Id}", new CreatedView(SubscriptionView.From(subscription, d.Time.GetUtcNow()), secret));
    }

    private static async Task<Results<Ok<SecretView>, ProblemHttpResult>> RotateAsync(string id, RotateRequest? body, Deps d, CancellationToken ct)
    {
        var grace = body?.GraceHours is { } hours ? TimeSpan.FromHours(hours) : d.Options.RotationGrace;
        if (grace < TimeSpan.Zero || grace > TimeSpan.FromDays(7))
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.GraceOutOfRange, "'graceHours' is 0 to 168."));
        }

        for (var i = 0; i < 5; i++)
        {
            if (await d.Store.GetSubscriptionAsync(id, ct) is not { } s)
            {
                return NotFound(id);
            }

            var secret = WebhookSignature.SecretFrom(RandomNumberGenerator.GetBytes(32));
            var until = d.Time.GetUtcNow() + grace;
            if (await d.Store.TryUpdateSubscriptionAsync(s with { SealedSecret = d.Sealer.Seal(secret), SealedPreviousSecret = s.SealedSecret, PreviousSecretUntil = until }, ct))
            {
                return TypedResults.Ok(new SecretView(secret, until));
            }
        }

        return Problems.From(new CommandFailure.ChangedConcurrently("Try the rotation again."));
    }

    private static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> SetStatusAsync(string id, SubscriptionStatus status, Deps d, CancellationToken ct)
    {
        for (var i = 0; i < 5; i++)
        {
            if (await d.Store.GetSubscriptionAsync(id, ct) is not { } s)
            {
                return NotFound(id);
            }

            var changed = s with { Status = status, DisabledReason = status == SubscriptionStatus.Active ? null : s.DisabledReason };
            if (await d.Store.TryUpdateSubscriptionAsync(changed, ct))
            {
                d.Dispatcher.SubscriptionsChanged();
                if (status == SubscriptionStatus.Active)
                {
                    // Deliveries held while paused go out now.
                    foreach (var (held, _) in (await d.Store.ListDeliveriesAsync(id, ct)).Where(x => x.Delivery.Status == DeliveryStatus.Pending))
                    {
                        await d.Dispatcher.ReplayAsync(id, held.DeliveryId, ct);
                    }
                }

                return TypedResults.Ok(SubscriptionView.From((await d.Store.GetSubscriptionAsync(id, ct))!, d.Time.GetUtcNow()));
            }
        }

        return Problems.From(new CommandFailure.ChangedConcurrently("Try again."));
    }

    private static async Task<Results<Ok<List<DeliveryView>>, ProblemHttpResult>> DeliveriesAsync(string id, string? status, Deps d, CancellationToken ct, int max = 100)
    {
        if (await d.Store.GetSubscriptionAsync(id, ct) is null)
        {
            return NotFound(id);
        }

        if (max is < 1 or > 1000)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.PageOutOfRange, "'max' is 1 to 1000."));
        }

        var log = await d.Store.ListDeliveriesAsync(id, ct);
        return TypedResults.Ok(log.Where(x => status is null || string.Equals(x.Delivery.Status.ToString(), status, StringComparison.OrdinalIgnoreCase))
            .Take(max).Select(x => DeliveryView.From(x.Delivery, x.Attempts)).ToList());
    }

    private static async Task<Results<Ok<ReplayedView>, ProblemHttpResult>> ReplayFailedAsync(string id, ReplayRequest body, Deps d, CancellationToken ct)
    {
        if (body.Since is not { } since)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.SinceRequired, "Give 'since': failed deliveries recorded from then on are sent again."));
        }

        if (await d.Store.GetSubscriptionAsync(id, ct) is null)
        {
            return NotFound(id);
        }

        var failed = (await d.Store.ListDeliveriesAsync(id, ct)).Where(x => x.Delivery.Status == DeliveryStatus.Failed && x.Delivery.CreatedAt >= since).ToList();
        foreach (var (delivery, _) in failed)
        {
            await d.Dispatcher.ReplayAsync(id, delivery.DeliveryId, ct);
        }

        return TypedResults.Ok(new ReplayedView(failed.Count));
    }

    private static async Task<DeliveryView> ViewAsync(Deps d, WebhookDelivery delivery, CancellationToken ct) =>
        (await d.Store.ListDeliveriesAsync(delivery.SubscriptionId, ct)).Where(x => x.Delivery.DeliveryId == delivery.DeliveryId)
            .Select(x => DeliveryView.From(x.Delivery, x.Attempts)).FirstOrDefault() ?? DeliveryView.From(delivery, []);

    private static T Changed<T>(Deps d, T result)
    {
        d.Dispatcher.SubscriptionsChanged();
        return result;
    }

    private static ProblemHttpResult NotFound(string id) => Problems.From(new CommandFailure.NotFound($"There is no webhook subscription '{id}'."));
}
