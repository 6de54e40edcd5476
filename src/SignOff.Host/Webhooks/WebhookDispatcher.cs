using System.Security.Cryptography;
using SignOff.Core.Rounds;
using SignOff.Core.Webhooks;
using SignOff.Host.Mail;
using SignOff.Host.Effects;
using SignOff.Storage.Rounds;
using SignOff.Storage;
using SignOff.Storage.Webhooks;

namespace SignOff.Host.Webhooks;

/// <summary>
/// Delivers webhook events: records one delivery per (event, subscription), attempts it at once,
/// and retries on the <see cref="RetrySchedule"/> until the receiver answers 2xx or the attempts
/// run out.
/// </summary>
/// <remarks>
/// <para>Durable like the rest: a delivery row and its due-index entry are written before any
/// attempt, so a crash at any point leaves an entry the sweeper picks up. An attempt first takes
/// a short lease on the row (an ETag-conditioned write), so two workers never post the same
/// delivery at once; the <c>webhook-id</c> is the same on every attempt, so a receiver can still
/// deduplicate the rare repeat a crash after sending makes.</para>
/// <para>Time: schedules follow the host's <see cref="TimeProvider"/> (the round clock, which
/// development and the tests move); signatures carry real time (see <see cref="WebhookSender"/>),
/// and so do leases and the age of a due entry (<see cref="WallClock"/>).</para>
/// </remarks>
public sealed class WebhookDispatcher(
    WebhookStore store,
    WebhookSender sender,
    SecretSealer sealer,
    WebhookOptions options,
    RoundReadModel rounds,
    IMailTransport mail,
    EmailRenderer renderer,
    TimeProvider time,
    WallClock wall,
    ILogger<WebhookDispatcher> logger)
{
    private readonly Lock earliestGate = new();
    private DateTimeOffset? earliest;

    /// <summary>Signalled when new deliveries are due now, so an in-process worker can sweep at once.</summary>
    public event Action? DeliveriesDue;

    /// <summary>The earliest retry this process has scheduled since it last asked (a hint for when to sweep next).</summary>
    public DateTimeOffset? TakeEarliestScheduled()
    {
        lock (earliestGate)
        {
            var next = earliest;
            earliest = null;
            return next;
        }
    }

    /// <summary>How old a due entry with no delivery row must be before it is taken for debris (a crash between the two writes).</summary>
    public static readonly TimeSpan OrphanAfter = TimeSpan.FromMinutes(2);

    /// <summary>How long the list of subscriptions is reused: every round event is fanned out, and most find the same few subscriptions.</summary>
    public static readonly TimeSpan SubscriptionsCacheFor = TimeSpan.FromSeconds(5);

    private (IReadOnlyList<WebhookSubscription> List, long At)? subscriptions;

    /// <summary>Forgets the cached list of subscriptions (after one is created, changed or deleted here).</summary>
    public void SubscriptionsChanged() => subscriptions = null;

    /// <summary>Records a round event's deliveries, one per interested subscription (again: nothing new).</summary>
    public async Task<int> FanOutAsync(string roundId, PublishWebhook effect, CancellationToken cancellationToken)
    {
        var body = WebhookPayload.For(effect.Event);
        var recorded = 0;
        if (subscriptions is not { } cached || System.Diagnostics.Stopwatch.GetElapsedTime(cached.At) > SubscriptionsCacheFor)
        {
            cached = (await store.ListSubscriptionsAsync(cancellationToken), System.Diagnostics.Stopwatch.GetTimestamp());
            subscriptions = cached;
        }

        foreach (var subscription in cached.List)
        {
            if (subscription.Status == SubscriptionStatus.Disabled || !subscription.Wants(effect.Event.Type))
            {
                continue;
            }

            if (await RecordAsync(subscription, WebhookPayload.DeliveryId(roundId, effect.EffectId), roundId, effect.Event.Type, body, attemptAtOnce: true, cancellationToken))
            {
                recorded++;
            }
        }

        if (recorded > 0 && immediate is null)
        {
            DeliveriesDue?.Invoke();
        }

        return recorded;
    }

    /// <summary>Sends a test event to one subscription now and answers with how it went.</summary>
    public async Task<WebhookDelivery> SendTestAsync(WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        var deliveryId = $"test:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var e = new WebhookEvent(WebhookCatalogue.TestEvent, "", null, time.GetUtcNow(),
            System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add("message", "This is a test event from SignOff."));
        await RecordAsync(subscription with { Status = SubscriptionStatus.Active }, deliveryId, "", e.Type, WebhookPayload.For(e), attemptAtOnce: false, cancellationToken);
        return await AttemptAsync(subscription.Id, deliveryId, force: true, cancellationToken) ?? throw new InvalidOperationException("The test delivery vanished.");
    }

    /// <summary>Starts a delivery's attempts afresh (a replay): same body, same webhook-id.</summary>
    public async Task<WebhookDelivery?> ReplayAsync(string subscriptionId, string deliveryId, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 5; i++)
        {
            if (await store.GetDeliveryAsync(subscriptionId, deliveryId, cancellationToken) is not { } d)
            {
                return null;
            }

            var now = time.GetUtcNow();
            await store.AddDueAsync(now, subscriptionId, deliveryId, cancellationToken);
            if (await store.TryUpdateDeliveryAsync(d with { Status = DeliveryStatus.Pending, Attempts = 0, NextAttemptAt = now, LeaseUntil = null }, cancellationToken) is not null)
            {
                DeliveriesDue?.Invoke();
                return await store.GetDeliveryAsync(subscriptionId, deliveryId, cancellationToken);
            }
        }

        throw new InvalidOperationException($"Delivery {deliveryId} kept changing while it was being replayed.");
    }

    /// <summary>
    /// Attempts every due delivery the index knows of, a few at a time; returns how many entries
    /// it settled (attempted or cleared) — entries left for later (in flight elsewhere, or just
    /// written) do not count, so "sweep until nothing is done" cannot spin on them.
    /// </summary>
    public async Task<int> SweepAsync(int max, CancellationToken cancellationToken)
    {
        var due = await store.DueAsync(time.GetUtcNow(), max, cancellationToken);
        var settled = 0;
        using var gate = new SemaphoreSlim(Math.Max(1, options.Parallelism));
        await Task.WhenAll(due.Select(async entry =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                if (await HandleDueAsync(entry, cancellationToken))
                {
                    Interlocked.Increment(ref settled);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The entry stays: the next sweep tries again.
                logger.LogError(ex, "Webhook delivery {DeliveryId} to {SubscriptionId} could not be attempted", entry.DeliveryId, entry.SubscriptionId);
            }
            finally
            {
                gate.Release();
            }
        }));
        return settled;
    }

    private async Task<bool> HandleDueAsync(DueDelivery entry, CancellationToken cancellationToken)
    {
        var delivery = await store.GetDeliveryAsync(entry.SubscriptionId, entry.DeliveryId, cancellationToken);
        if (delivery is null && wall.UtcNow - entry.IndexedAt < OrphanAfter)
        {
            // The entry is written just before its row: a sweep between the two must not take the
            // entry away, or the row, written a moment later, is never sent. Leave it for a later sweep.
            return false;
        }

        var subscription = delivery is null ? null : await store.GetSubscriptionAsync(entry.SubscriptionId, cancellationToken);
        // Tables keep times to the millisecond and the index key to the tick: an entry is stale only
        // when the delivery was rescheduled (retries are seconds apart), not when the two differ by rounding.
        var stale = delivery is null || subscription is null || delivery.Status != DeliveryStatus.Pending
            || delivery.NextAttemptAt is not { } next || next > entry.DueAt + TimeSpan.FromSeconds(1)
            || subscription.Status != SubscriptionStatus.Active;
        if (!stale)
        {
            if (delivery!.LeaseUntil is { } lease && lease > wall.UtcNow)
            {
                return false; // another worker is on it; the entry stays for the next sweep
            }

            await AttemptAsync(entry.SubscriptionId, entry.DeliveryId, force: false, cancellationToken);
        }

        await store.RemoveDueAsync(entry, cancellationToken);
        return true;
    }

    private async Task<bool> RecordAsync(WebhookSubscription subscription, string deliveryId, string roundId, string type, string body, bool attemptAtOnce, CancellationToken cancellationToken)
    {
        // Always due now, whatever the (possibly cached) status says: the sweep looks at the
        // subscription as it is then, and holds the delivery if it is paused (resuming replays it).
        // The hint first: a crash between the two leaves a hint with no row (harmless), never a row nobody will find.
        var now = time.GetUtcNow();
        var channel = immediate;
        attemptAtOnce &= channel is not null && subscription.Status == SubscriptionStatus.Active;
        await store.AddDueAsync(now, subscription.Id, deliveryId, cancellationToken);

        // Handed to this process's attempters, the row is written already leased: the sweep leaves
        // it alone unless this process dies first, when the lease runs out and the sweep takes over.
        var delivery = new WebhookDelivery(subscription.Id, deliveryId, roundId, type, WebhookPayload.MessageId(deliveryId), body,
            DeliveryStatus.Pending, 0, 0, now, null, null, now, null, attemptAtOnce ? AttemptLease() : null);
        if (await store.TryAddDeliveryAsync(delivery, cancellationToken) is not { } etag)
        {
            return false;
        }

        if (attemptAtOnce)
        {
            channel!.Writer.TryWrite(new ImmediateAttempt(subscription, delivery with { ETag = etag }, now));
        }

        return true;
    }

    /// <summary>A lease for one attempt, on real time: a developer moving the round clock must not expire an attempt in flight.</summary>
    private DateTimeOffset AttemptLease() => wall.UtcNow + options.Timeout + TimeSpan.FromSeconds(30);

    /// <summary>A delivery just recorded, leased to this process for its first attempt.</summary>
    private sealed record ImmediateAttempt(WebhookSubscription Subscription, WebhookDelivery Delivery, DateTimeOffset DueAt);

    private System.Threading.Channels.Channel<ImmediateAttempt>? immediate;

    /// <summary>
    /// Makes first attempts straight from the fan-out, <see cref="WebhookOptions.Parallelism"/> at a
    /// time, until stopped — instead of through the due index, which costs a query and three reads
    /// per delivery. Run by the in-process worker; under the Functions host nothing runs it, and
    /// deliveries wait for the sweep.
    /// </summary>
    public async Task RunImmediateAttemptsAsync(CancellationToken stoppingToken)
    {
        var channel = System.Threading.Channels.Channel.CreateUnbounded<ImmediateAttempt>();
        immediate = channel;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Parallelism)).Select(_ => Task.Run(async () =>
            {
                while (await channel.Reader.WaitToReadAsync(stoppingToken))
                {
                    if (!channel.Reader.TryRead(out var item))
                    {
                        continue;
                    }

                    try
                    {
                        // Waited long in the queue (a slow receiver holding up the rest)? Renew the
                        // lease first, or the sweep may take the delivery too and it goes twice.
                        var delivery = item.Delivery;
                        if (delivery.LeaseUntil - wall.UtcNow < options.Timeout + TimeSpan.FromSeconds(5))
                        {
                            var renewed = delivery with { LeaseUntil = AttemptLease() };
                            if (await store.TryUpdateDeliveryAsync(renewed, stoppingToken) is not { } etag)
                            {
                                continue; // the sweep has it
                            }

                            delivery = renewed with { ETag = etag };
                        }

                        await SendAndRecordAsync(item.Subscription, delivery, stoppingToken);
                        await store.RemoveDueAsync(new DueDelivery(item.DueAt, item.Subscription.Id, item.Delivery.DeliveryId), stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // The row stays leased and its due entry stays: the sweep takes it once the lease runs out.
                        logger.LogError(ex, "First attempt of webhook delivery {DeliveryId} to {SubscriptionId} failed; the sweep will retry it",
                            item.Delivery.DeliveryId, item.Subscription.Id);
                    }
                }
            }, CancellationToken.None)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: anything still queued is leased, and the sweep takes it once the lease runs out.
        }
        finally
        {
            immediate = null;
            channel.Writer.TryComplete();
        }
    }

    /// <summary>One attempt, under a lease. Null when the delivery is gone or another worker holds it.</summary>
    private async Task<WebhookDelivery?> AttemptAsync(string subscriptionId, string deliveryId, bool force, CancellationToken cancellationToken)
    {
        var subscription = await store.GetSubscriptionAsync(subscriptionId, cancellationToken);
        var delivery = await store.GetDeliveryAsync(subscriptionId, deliveryId, cancellationToken);
        if (subscription is null || delivery is null || delivery.Status != DeliveryStatus.Pending)
        {
            return delivery;
        }

        var now = time.GetUtcNow();
        if (!force && delivery.LeaseUntil is { } held && held > wall.UtcNow)
        {
            return null;
        }

        var leased = delivery with { LeaseUntil = AttemptLease() };
        if (await store.TryUpdateDeliveryAsync(leased, cancellationToken) is not { } etag)
        {
            return null;
        }

        return await SendAndRecordAsync(subscription, leased with { ETag = etag }, cancellationToken);
    }

    /// <summary>Posts a leased delivery, logs the attempt and records the outcome (and the next attempt, if any).</summary>
    private async Task<WebhookDelivery?> SendAndRecordAsync(WebhookSubscription subscription, WebhookDelivery leased, CancellationToken cancellationToken)
    {
        var (subscriptionId, deliveryId, delivery) = (subscription.Id, leased.DeliveryId, leased);
        var now = time.GetUtcNow();
        using var activity = Storage.Telemetry.Source.StartActivity("webhook.attempt");
        activity?.SetTag("signoff.round_id", delivery.RoundId);
        activity?.SetTag("signoff.webhook_id", delivery.MessageId);
        activity?.SetTag("signoff.subscription_id", subscriptionId);
        var result = await sender.SendAsync(subscription.Url, delivery.MessageId, delivery.Body, Secrets(subscription, now), cancellationToken);
        var resultTag = result.Delivered ? "delivered" : result.StatusCode is { } answered ? answered.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no-answer";
        activity?.SetTag("signoff.result", resultTag);
        Storage.Telemetry.WebhookAttempts.Add(1, new KeyValuePair<string, object?>("type", delivery.Type), new KeyValuePair<string, object?>("result", resultTag));
        Storage.Telemetry.WebhookLatency.Record(result.LatencyMs, new KeyValuePair<string, object?>("type", delivery.Type));
        var attempts = delivery.Attempts + 1;
        var tries = delivery.Tries + 1;
        var attempt = new WebhookAttempt(tries, now, result.StatusCode, result.LatencyMs, result.Snippet, result.Error);

        var next = result.Delivered || result.Gone ? null : RetrySchedule.Next(attempts, time.GetUtcNow(), Random.Shared.NextDouble(), result.RetryAfter);
        var status = result.Delivered ? DeliveryStatus.Delivered : next is null ? DeliveryStatus.Failed : DeliveryStatus.Pending;
        if (next is { } at)
        {
            await store.AddDueAsync(at, subscriptionId, deliveryId, cancellationToken);
            lock (earliestGate)
            {
                earliest = earliest is { } e && e < at ? e : at;
            }
        }

        var after = leased with
        {
            Status = status,
            Attempts = attempts,
            Tries = tries,
            NextAttemptAt = next,
            LastStatusCode = result.StatusCode,
            LastError = result.Error,
            DeliveredAt = result.Delivered ? time.GetUtcNow() : null,
            LeaseUntil = null,
        };
        if (await store.TryRecordAttemptAsync(after, attempt, cancellationToken) is not { } saved)
        {
            logger.LogWarning("Webhook delivery {DeliveryId} to {SubscriptionId} changed during its attempt; its outcome is in the attempt log only", deliveryId, subscriptionId);
            return await store.GetDeliveryAsync(subscriptionId, deliveryId, cancellationToken);
        }

        logger.LogInformation("Webhook {Type} {MessageId} to {SubscriptionId}: attempt {Attempt} answered {Status} in {LatencyMs} ms{Error}; now {DeliveryStatus}",
            delivery.Type, delivery.MessageId, subscriptionId, attempts, result.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing",
            result.LatencyMs, result.Error is null ? "" : $" ({result.Error})", status);
        if (status == DeliveryStatus.Failed)
        {
            var reason = result.Gone
                ? "The receiver answered 410 Gone."
                : $"{attempts} attempts over about three days failed; the last {(result.StatusCode is { } code ? $"answered {code}" : $"failed: {result.Error}")}.";
            await DisableAsync(subscriptionId, delivery, reason, cancellationToken);
        }

        return after with { ETag = saved };
    }

    private IReadOnlyList<string> Secrets(WebhookSubscription s, DateTimeOffset now) =>
        s.SealedPreviousSecret is { } previous && s.PreviousSecretUntil is { } until && until > now
            ? [sealer.Open(s.SealedSecret), sealer.Open(previous)]
            : [sealer.Open(s.SealedSecret)];

    /// <summary>Disables a subscription; the worker that makes the change tells the round's coordinator, once.</summary>
    private async Task DisableAsync(string subscriptionId, WebhookDelivery failed, string reason, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 5; i++)
        {
            if (await store.GetSubscriptionAsync(subscriptionId, cancellationToken) is not { } s || s.Status == SubscriptionStatus.Disabled)
            {
                return;
            }

            if (await store.TryUpdateSubscriptionAsync(s with { Status = SubscriptionStatus.Disabled, DisabledReason = reason }, cancellationToken))
            {
                SubscriptionsChanged();
                logger.LogWarning("Webhook subscription {SubscriptionId} ({Url}) disabled: {Reason}", subscriptionId, s.Url, reason);
                await TellCoordinatorAsync(s, failed, reason, cancellationToken);
                return;
            }
        }
    }

    private async Task TellCoordinatorAsync(WebhookSubscription s, WebhookDelivery failed, string reason, CancellationToken cancellationToken)
    {
        var round = failed.RoundId.Length > 0 ? await rounds.LoadAsync(failed.RoundId, cancellationToken) : null;
        if (round is null)
        {
            logger.LogWarning("Nobody to tell that webhook subscription {SubscriptionId} was disabled: delivery {DeliveryId} belongs to no round", s.Id, failed.DeliveryId);
            return;
        }

        var coordinator = round.Coordinator;
        var content = new EmailContent(
            $"Webhooks to {new Uri(s.Url).Host} have stopped",
            $"Dear {coordinator.Name},",
            "A webhook subscription has been disabled",
            [
                $"SignOff could not deliver a {failed.Type} event for {round.Agreement.Title} to {s.Url}. {reason}",
                "No more events go to that address until the subscription is resumed. Nothing is lost: every event is in the delivery log, and failed deliveries can be replayed once the receiving system is fixed.",
            ],
            [new("Subscription", $"{s.Id}{(s.Description is { Length: > 0 } d ? $" ({d})" : "")}"), new("Address", s.Url), new("Event", $"{failed.Type} ({failed.MessageId})")],
            null,
            ["Resume it with POST /api/webhooks/{id}/resume, then replay with POST /api/webhooks/{id}/replay."]);
        var email = await renderer.RenderAsync(content);
        await mail.SendAsync(new OutgoingEmail(OutgoingEmail.StableMessageId(failed.RoundId, $"webhook-disabled:{s.Id}:{failed.DeliveryId}"), coordinator, email.Subject, email.Html, email.Text, [],
            new Dictionary<string, string> { ["Round"] = failed.RoundId, ["Kind"] = "webhook-disabled", ["Effect"] = failed.DeliveryId }), cancellationToken);
    }
}
