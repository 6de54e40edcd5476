using System.Globalization;
using System.Security.Cryptography;
using SignOff.Core.Rounds;
using SignOff.Core.Webhooks;
using SignOff.Storage;
using SignOff.Storage.Webhooks;
using SignOff.Workflow;
using SignOff.Workflow.Webhooks;

namespace SignOff.Host.Webhooks;

/// <summary>
/// Webhook deliveries: records one per (event, subscription), attempts it at once, and leaves
/// retries to its orchestration; makes each attempt that orchestration asks for; replays; sends
/// test events.
/// </summary>
/// <remarks>
/// <para>The delivery row is the truth (status, attempts, when the next is due, the delivery log)
/// and names the orchestration instance that runs it (<see cref="WebhookDelivery.Runner"/>):
/// every write is conditioned on the row's ETag, and an instance that finds another named stops.
/// The waiting between attempts is the orchestration's durable timers: no leases, sweeps or
/// index of due attempts.</para>
/// <para>Time: schedules follow the host's <see cref="TimeProvider"/> (the round clock, which
/// development and the tests move; see <see cref="WakeWaitingAsync"/>); signatures carry real
/// time (see <see cref="WebhookSender"/>).</para>
/// </remarks>
public sealed class WebhookDispatcher(
    WebhookStore store,
    WebhookSender sender,
    SecretSealer sealer,
    IWebhookRuns runs,
    WebhookOptions options,
    TimeProvider time,
    WallClock wall,
    ILogger<WebhookDispatcher> logger) : IWebhookAttempts
{
    /// <summary>Beyond the receiver's timeout, how long an attempt's claim lasts (real time): a claim left by a process that died runs out after this.</summary>
    public static readonly TimeSpan AttemptGrace = TimeSpan.FromSeconds(5);

    /// <summary>How long the list of subscriptions is reused: every round event is fanned out, and most find the same few subscriptions.</summary>
    public static readonly TimeSpan SubscriptionsCacheFor = TimeSpan.FromSeconds(5);

    private (IReadOnlyList<WebhookSubscription> List, long At)? subscriptions;

    /// <summary>Forgets the cached list of subscriptions (after one is created, changed or deleted here).</summary>
    public void SubscriptionsChanged() => subscriptions = null;

    /// <summary>
    /// Records a round event's deliveries, one per interested subscription, attempts each at once,
    /// and starts the delivery's orchestration for whatever is left: retries, or telling the round
    /// it was given up. Done again (the activity retried), it records nothing new and sends
    /// nothing delivered.
    /// </summary>
    /// <remarks>
    /// <para>The first attempt is made here, in the fan-out's own activity, because almost every
    /// delivery succeeds first time: going through an orchestration first would put three more
    /// queue hops (its start, its episode, its activity) between a decision and the receiver. The
    /// attempt is the same one the orchestration makes (<see cref="AttemptAsync"/>, for the
    /// instance named in the row), so a crash anywhere in between leaves a delivery the retried
    /// fan-out, or the orchestration, carries on from.</para>
    /// <para>A paused subscription's delivery is recorded and held (its attempt finds it paused);
    /// resuming replays it. Deciding that here, from a list cached for seconds, could strand an
    /// event recorded just after a resume.</para>
    /// </remarks>
    public Task<int> FanOutAsync(string roundId, PublishWebhook effect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(effect);
        return FanOutAsync(roundId, effect.EffectId, effect.Event.Type, WebhookPayload.For(effect.Event), cancellationToken);
    }

    /// <summary>An event of the agreement register, fanned out as a round's is.</summary>
    /// <remarks>
    /// Keyed by the agreement's id and the effect id prefixed <c>agreement:</c>: the agreement
    /// shares its first round's id, and the prefix keeps its deliveries apart from that round's.
    /// A delivery given up is reported to the agreement, which records it in its own history.
    /// </remarks>
    public Task<int> FanOutAsync(Core.Agreements.PublishAgreementWebhook effect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(effect);
        return FanOutAsync(effect.AgreementId, "agreement:" + effect.EffectId, effect.Type, WebhookPayload.For(effect), cancellationToken);
    }

    private async Task<int> FanOutAsync(string roundId, string effectId, string type, string body, CancellationToken cancellationToken)
    {
        if (subscriptions is not { } cached || System.Diagnostics.Stopwatch.GetElapsedTime(cached.At) > SubscriptionsCacheFor)
        {
            cached = (await store.ListSubscriptionsAsync(cancellationToken), System.Diagnostics.Stopwatch.GetTimestamp());
            subscriptions = cached;
        }

        var wanted = cached.List.Where(s => s.Status != SubscriptionStatus.Disabled && s.Wants(type)).ToList();
        await Task.WhenAll(wanted.Select(async subscription =>
        {
            var deliveryId = WebhookPayload.DeliveryId(roundId, effectId);
            var delivery = new WebhookDeliveryRef(subscription.Id, deliveryId);
            var runner = WorkflowNames.WebhookInstanceId(subscription.Id, deliveryId);
            var now = time.GetUtcNow();
            await store.TryAddDeliveryAsync(new WebhookDelivery(subscription.Id, deliveryId, roundId, type, WebhookPayload.MessageId(deliveryId), body,
                DeliveryStatus.Pending, 0, 0, now, null, null, now, null, runner), cancellationToken);
            if ((await AttemptAsync(delivery, runner, cancellationToken)).Next != WebhookNext.Stop)
            {
                // The instance id is the delivery's, so a second start (a retried fan-out) is refused by the backend.
                await runs.StartAsync(delivery, runner, cancellationToken);
            }
        }));
        return wanted.Count;
    }

    /// <summary>Sends a test event to one subscription now, once, and answers with how it went (a test is not retried).</summary>
    public async Task<WebhookDelivery> SendTestAsync(WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        var deliveryId = $"test:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var e = new WebhookEvent(WebhookCatalogue.TestEvent, "", null, time.GetUtcNow(),
            System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add("message", "This is a test event from SignOff."));
        var now = time.GetUtcNow();
        var delivery = new WebhookDelivery(subscription.Id, deliveryId, "", e.Type, WebhookPayload.MessageId(deliveryId), WebhookPayload.For(e),
            DeliveryStatus.Pending, 0, 0, now, null, null, now, null, deliveryId);
        var etag = await store.TryAddDeliveryAsync(delivery, cancellationToken) ?? throw new InvalidOperationException("A fresh test delivery id was taken.");
        var (after, _) = await SendAndRecordAsync(subscription, delivery with { ETag = etag }, retry: false, cancellationToken);
        return after;
    }

    /// <summary>Starts a delivery's attempts afresh (a replay): same body, same webhook-id, a new run that supersedes any before it.</summary>
    /// <remarks>
    /// The row names the new run before the run starts, so the old run, if still waiting, stops at
    /// its next step. A crash between the two leaves the delivery pending with no run; replaying
    /// again (or resuming the subscription) starts one.
    /// </remarks>
    public async Task<WebhookDelivery?> ReplayAsync(string subscriptionId, string deliveryId, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 5; i++)
        {
            if (await store.GetDeliveryAsync(subscriptionId, deliveryId, cancellationToken) is not { } d)
            {
                return null;
            }

            var replays = d.Replays + 1;
            var runner = WorkflowNames.WebhookInstanceId(subscriptionId, deliveryId, replays);
            var replayed = d with { Status = DeliveryStatus.Pending, Attempts = 0, NextAttemptAt = time.GetUtcNow(), Runner = runner, Replays = replays };
            if (await store.TryUpdateDeliveryAsync(replayed, cancellationToken) is not null)
            {
                await runs.StartAsync(new WebhookDeliveryRef(subscriptionId, deliveryId), runner, cancellationToken);
                return await store.GetDeliveryAsync(subscriptionId, deliveryId, cancellationToken);
            }
        }

        throw new InvalidOperationException($"Delivery {deliveryId} kept changing while it was being replayed.");
    }

    /// <summary>
    /// After the development clock moved: wakes every delivery waiting for a retry, so one now due
    /// by the round clock goes at once (the orchestration's timer counts real time).
    /// </summary>
    /// <returns>How many were woken.</returns>
    public async Task<int> WakeWaitingAsync(CancellationToken cancellationToken)
    {
        var woken = 0;
        foreach (var d in await store.PendingDeliveriesAsync(cancellationToken))
        {
            if (d.NextAttemptAt is not null && d.Runner is { } runner && !d.DeliveryId.StartsWith("test:", StringComparison.Ordinal))
            {
                await runs.WakeAsync(runner, cancellationToken);
                woken++;
            }
        }

        if (woken > 0)
        {
            logger.LogInformation("The clock moved: woke {Count} webhook deliveries waiting for a retry", woken);
        }

        return woken;
    }

    /// <inheritdoc/>
    public async Task<WebhookStep> AttemptAsync(WebhookDeliveryRef delivery, string runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var row = await store.GetDeliveryAsync(delivery.SubscriptionId, delivery.DeliveryId, cancellationToken);
        if (row is null || row.Runner != runner)
        {
            logger.LogInformation("Webhook delivery {DeliveryId} to {SubscriptionId}: run {Runner} stops ({Why})", delivery.DeliveryId, delivery.SubscriptionId, runner,
                row is null ? "the delivery is gone" : $"{row.Runner} runs it now");
            return WebhookStep.Done;
        }

        var subscription = await store.GetSubscriptionAsync(delivery.SubscriptionId, cancellationToken);
        switch (row.Status)
        {
            case DeliveryStatus.Delivered:
                return WebhookStep.Done;
            case DeliveryStatus.Failed:
                // Given up by this run before (its answer lost in a crash): give the same answer again.
                return GiveUp(row, subscription, subscription?.DisabledReason ?? row.LastError ?? "", stopped: subscription?.Status == SubscriptionStatus.Disabled);
        }

        if (subscription is not { Status: SubscriptionStatus.Active })
        {
            // Held: resuming the subscription replays it. No next attempt, so a clock move does not wake it.
            if (row.NextAttemptAt is not null)
            {
                await store.TryUpdateDeliveryAsync(row with { NextAttemptAt = null }, cancellationToken);
            }

            logger.LogInformation("Webhook delivery {DeliveryId} held: subscription {SubscriptionId} is {Status}", row.DeliveryId, row.SubscriptionId,
                subscription?.Status.ToString().ToLowerInvariant() ?? "deleted");
            return WebhookStep.Done;
        }

        var now = time.GetUtcNow();
        if (row.NextAttemptAt is { } due && due > now)
        {
            return WebhookStep.After(due - now);
        }

        // Claimed before it is sent, so two attempters at the same moment (a fan-out retried while
        // the first still runs) send it once: the second waits and finds it done.
        if (row.AttemptingUntil is { } held && held > wall.UtcNow)
        {
            return WebhookStep.After(held - wall.UtcNow);
        }

        var claim = row with { AttemptingUntil = wall.UtcNow + options.Timeout + AttemptGrace };
        if (await store.TryUpdateDeliveryAsync(claim, cancellationToken) is not { } claimed)
        {
            return WebhookStep.After(AttemptGrace); // changed under us: look again shortly
        }

        var (after, disabled) = await SendAndRecordAsync(subscription, claim with { ETag = claimed }, retry: true, cancellationToken);
        if (after.Runner != runner)
        {
            return WebhookStep.Done; // replayed while it was being attempted: the new run carries on
        }

        switch (after.Status)
        {
            case DeliveryStatus.Pending when after.NextAttemptAt is { } next:
                return WebhookStep.After(next - time.GetUtcNow());
            case DeliveryStatus.Failed:
                var stoppedNow = await store.GetSubscriptionAsync(row.SubscriptionId, cancellationToken);
                return GiveUp(after, stoppedNow, (disabled ? stoppedNow?.DisabledReason : null) ?? after.LastError ?? "", stopped: disabled);
            default:
                return WebhookStep.Done;
        }
    }

    /// <summary>A delivery given up, as its round (or, for an event of the register, its agreement) records it; <paramref name="stopped"/> when giving it up disabled the subscription (the coordinator is then told).</summary>
    /// <remarks>
    /// An agreement's delivery is recorded under the agreement's id, which is also the id of the
    /// round that made it; the event's type says which of the two it belongs to.
    /// </remarks>
    private static WebhookStep GiveUp(WebhookDelivery d, WebhookSubscription? subscription, string reason, bool stopped)
    {
        var failure = new DeliveryFailure(DeliveryChannel.Webhook, d.MessageId, $"{d.Type} event",
            subscription?.Url ?? d.SubscriptionId, reason.Length > 0 ? reason : "It could not be delivered.",
            stopped ? $"{d.SubscriptionId}{(subscription?.Description is { Length: > 0 } about ? $" ({about})" : "")}" : null);
        return WebhookCatalogue.Find(d.Type)?.Subject == WebhookSubject.Agreement
            ? new(WebhookNext.GiveUp, null, "", failure, AgreementId: d.RoundId)
            : new(WebhookNext.GiveUp, null, d.RoundId, failure);
    }

    /// <summary>Posts a delivery, logs the attempt and records the outcome (and the next attempt, if any); disables the subscription when it is given up.</summary>
    /// <returns>The delivery as recorded, and whether this attempt disabled the subscription.</returns>
    private async Task<(WebhookDelivery After, bool Disabled)> SendAndRecordAsync(WebhookSubscription subscription, WebhookDelivery delivery, bool retry, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        using var activity = Storage.Telemetry.Source.StartActivity("webhook.attempt");
        activity?.SetTag("signoff.round_id", delivery.RoundId);
        activity?.SetTag("signoff.webhook_id", delivery.MessageId);
        activity?.SetTag("signoff.subscription_id", subscription.Id);
        var result = await sender.SendAsync(subscription.Url, delivery.MessageId, delivery.Body, Secrets(subscription, now), cancellationToken);
        var resultTag = result.Delivered ? "delivered" : result.StatusCode is { } answered ? answered.ToString(CultureInfo.InvariantCulture) : "no-answer";
        activity?.SetTag("signoff.result", resultTag);
        Storage.Telemetry.WebhookAttempts.Add(1, new KeyValuePair<string, object?>("type", delivery.Type), new KeyValuePair<string, object?>("result", resultTag));
        Storage.Telemetry.WebhookLatency.Record(result.LatencyMs, new KeyValuePair<string, object?>("type", delivery.Type));
        var attempts = delivery.Attempts + 1;
        var tries = delivery.Tries + 1;
        var attempt = new WebhookAttempt(tries, now, result.StatusCode, result.LatencyMs, result.Snippet, result.Error);

        var next = result.Delivered || result.Gone || !retry ? null : RetrySchedule.Next(attempts, time.GetUtcNow(), Random.Shared.NextDouble(), result.RetryAfter);
        var status = result.Delivered ? DeliveryStatus.Delivered : next is null ? DeliveryStatus.Failed : DeliveryStatus.Pending;
        var after = delivery with
        {
            Status = status,
            Attempts = attempts,
            Tries = tries,
            NextAttemptAt = next,
            LastStatusCode = result.StatusCode,
            LastError = result.Error,
            DeliveredAt = result.Delivered ? time.GetUtcNow() : null,
            AttemptingUntil = null,
        };
        if (await store.TryRecordAttemptAsync(after, attempt, cancellationToken) is not { } saved)
        {
            logger.LogWarning("Webhook delivery {DeliveryId} to {SubscriptionId} changed during its attempt (replayed?); its outcome is in the attempt log only",
                delivery.DeliveryId, subscription.Id);
            return ((await store.GetDeliveryAsync(subscription.Id, delivery.DeliveryId, cancellationToken))!, false);
        }

        logger.LogInformation("Webhook {Type} {MessageId} to {SubscriptionId}: attempt {Attempt} answered {Status} in {LatencyMs} ms{Error}; now {DeliveryStatus}",
            delivery.Type, delivery.MessageId, subscription.Id, attempts, result.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "nothing",
            result.LatencyMs, result.Error is null ? "" : $" ({result.Error})", status);
        var disabled = false;
        if (status == DeliveryStatus.Failed && retry)
        {
            var reason = result.Gone
                ? "The receiver answered 410 Gone."
                : $"{attempts} attempts over about three days failed; the last {(result.StatusCode is { } code ? $"answered {code}" : $"failed: {result.Error}")}.";
            disabled = await DisableAsync(subscription.Id, reason, cancellationToken);
        }

        return (after with { ETag = saved }, disabled);
    }

    private IReadOnlyList<string> Secrets(WebhookSubscription s, DateTimeOffset now) =>
        s.SealedPreviousSecret is { } previous && s.PreviousSecretUntil is { } until && until > now
            ? [sealer.Open(s.SealedSecret), sealer.Open(previous)]
            : [sealer.Open(s.SealedSecret)];

    /// <summary>Disables a subscription; true when this call made the change (and so the round is told, once).</summary>
    private async Task<bool> DisableAsync(string subscriptionId, string reason, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 5; i++)
        {
            if (await store.GetSubscriptionAsync(subscriptionId, cancellationToken) is not { } s || s.Status == SubscriptionStatus.Disabled)
            {
                return false;
            }

            if (await store.TryUpdateSubscriptionAsync(s with { Status = SubscriptionStatus.Disabled, DisabledReason = reason }, cancellationToken))
            {
                SubscriptionsChanged();
                logger.LogWarning("Webhook subscription {SubscriptionId} ({Url}) disabled: {Reason}", subscriptionId, s.Url, reason);
                return true;
            }
        }

        return false;
    }
}

/// <summary>Starts and wakes webhook delivery orchestrations: the host's task hub client.</summary>
public interface IWebhookRuns
{
    /// <summary>Starts the delivery's orchestration as <paramref name="instanceId"/>; nothing happens if that instance exists already (running or finished).</summary>
    Task StartAsync(WebhookDeliveryRef delivery, string instanceId, CancellationToken cancellationToken);

    /// <summary>Tells a waiting delivery the development clock moved (nothing happens if it is not waiting).</summary>
    Task WakeAsync(string instanceId, CancellationToken cancellationToken);
}
