using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace SignOff.Storage.Webhooks;

/// <summary>Whether a subscription receives events.</summary>
public enum SubscriptionStatus
{
    /// <summary>Events are delivered.</summary>
    Active,

    /// <summary>Events are recorded and held; resuming delivers them.</summary>
    Paused,

    /// <summary>Nothing is recorded: the receiver said 410 Gone, or every retry of a delivery failed. Resuming re-enables it.</summary>
    Disabled,
}

/// <summary>A system's subscription to webhook events.</summary>
/// <param name="Id">The subscription id (<c>wh_…</c>).</param>
/// <param name="Url">Where events are posted.</param>
/// <param name="Events">The event types wanted; empty means every type.</param>
/// <param name="Description">What it is for, for people.</param>
/// <param name="Status">Active, paused or disabled.</param>
/// <param name="DisabledReason">Why it was disabled.</param>
/// <param name="SealedSecret">The signing secret, sealed (encrypted) by the host; never stored in the clear.</param>
/// <param name="SealedPreviousSecret">The secret before the last rotation, while it is still honoured.</param>
/// <param name="PreviousSecretUntil">Until when the previous secret also signs.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ETag">For conditional updates.</param>
public sealed record WebhookSubscription(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    string? Description,
    SubscriptionStatus Status,
    string? DisabledReason,
    string SealedSecret,
    string? SealedPreviousSecret,
    DateTimeOffset? PreviousSecretUntil,
    DateTimeOffset CreatedAt,
    ETag ETag = default)
{
    /// <summary>True when the subscription wants events of a type.</summary>
    public bool Wants(string type) => Events.Count == 0 || Events.Contains(type, StringComparer.Ordinal);
}

/// <summary>Where a delivery stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting for its next attempt (or held while the subscription is paused).</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Given up: every attempt failed, or the receiver said 410 Gone.</summary>
    Failed,
}

/// <summary>One event to one subscription, with the exact body signed on every attempt.</summary>
/// <param name="SubscriptionId">The subscription it goes to.</param>
/// <param name="DeliveryId">The webhook effect's id (or <c>test:…</c>): one delivery per effect and subscription.</param>
/// <param name="RoundId">The round the event is about (empty for a test event).</param>
/// <param name="Type">The event type.</param>
/// <param name="MessageId">The <c>webhook-id</c>, the same on every attempt.</param>
/// <param name="Body">The JSON body, signed and sent byte for byte on every attempt.</param>
/// <param name="Status">Pending, delivered or failed.</param>
/// <param name="Attempts">Attempts in the current series (the retry schedule counts these; a replay starts a new series).</param>
/// <param name="Tries">Attempts ever made (numbers the attempt log, across replays).</param>
/// <param name="NextAttemptAt">When the next attempt is due; null once settled, or while held by a paused subscription.</param>
/// <param name="LastStatusCode">The last answer's status.</param>
/// <param name="LastError">What went wrong last, without an answer.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="DeliveredAt">When a 2xx came back.</param>
/// <param name="Runner">The orchestration instance that runs the delivery now; any other instance that finds the row stops (a replay supersedes the run before it).</param>
/// <param name="Replays">How many times it was replayed (numbers the replay's instance).</param>
/// <param name="AttemptingUntil">While an attempt is in flight: until when (real time) its attempter holds it, so a second attempter at the same moment waits instead of sending too.</param>
/// <param name="ETag">For conditional updates.</param>
public sealed record WebhookDelivery(
    string SubscriptionId,
    string DeliveryId,
    string RoundId,
    string Type,
    string MessageId,
    string Body,
    DeliveryStatus Status,
    int Attempts,
    int Tries,
    DateTimeOffset? NextAttemptAt,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt,
    string? Runner,
    int Replays = 0,
    DateTimeOffset? AttemptingUntil = null,
    ETag ETag = default);

/// <summary>One attempt to deliver, as the delivery log shows it.</summary>
public sealed record WebhookAttempt(int Number, DateTimeOffset At, int? StatusCode, long LatencyMs, string? ResponseSnippet, string? Error);

/// <summary>
/// Webhook subscriptions, deliveries and their attempt log in Azure Tables.
/// </summary>
/// <remarks>
/// <para>A delivery is keyed by (subscription, effect id), so performing the same webhook effect
/// twice records one delivery: the second insert meets a conflict and changes nothing.</para>
/// <para>When the next attempt is due is in the row, and the waiting is a durable timer in the
/// delivery's orchestration: there is no index of due attempts to sweep.</para>
/// </remarks>
public sealed class WebhookStore(TableClient webhooks)
{
    private const string SubscriptionPartition = "sub";

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        await webhooks.CreateIfNotExistsAsync(cancellationToken);
    }

    public async Task AddSubscriptionAsync(WebhookSubscription s, CancellationToken cancellationToken = default) =>
        await webhooks.AddEntityAsync(ToEntity(s), cancellationToken);

    public async Task<WebhookSubscription?> GetSubscriptionAsync(string id, CancellationToken cancellationToken = default)
    {
        var row = await webhooks.GetEntityIfExistsAsync<TableEntity>(SubscriptionPartition, id, cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } e ? FromEntity(e) : null;
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListSubscriptionsAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<WebhookSubscription>();
        await foreach (var e in webhooks.QueryAsync<TableEntity>(x => x.PartitionKey == SubscriptionPartition, cancellationToken: cancellationToken))
        {
            list.Add(FromEntity(e));
        }

        return list;
    }

    /// <summary>Replaces a subscription if it has not changed since it was read; false when another writer moved first.</summary>
    public async Task<bool> TryUpdateSubscriptionAsync(WebhookSubscription s, CancellationToken cancellationToken = default)
    {
        try
        {
            await webhooks.UpdateEntityAsync(ToEntity(s), s.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Deletes a subscription; false when there was none. (The SDK's delete succeeds on a missing entity, so look first.)</summary>
    public async Task<bool> DeleteSubscriptionAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await GetSubscriptionAsync(id, cancellationToken) is null)
        {
            return false;
        }

        await webhooks.DeleteEntityAsync(SubscriptionPartition, id, ETag.All, cancellationToken);
        return true;
    }

    /// <summary>Records a delivery: its ETag, or null when it was recorded before (the same effect performed again).</summary>
    public async Task<ETag?> TryAddDeliveryAsync(WebhookDelivery d, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await webhooks.AddEntityAsync(ToEntity(d), cancellationToken)).Headers.ETag ?? ETag.All;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
        }
    }

    public async Task<WebhookDelivery?> GetDeliveryAsync(string subscriptionId, string deliveryId, CancellationToken cancellationToken = default)
    {
        var row = await webhooks.GetEntityIfExistsAsync<TableEntity>(DeliveryPartition(subscriptionId), deliveryId, cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } e ? DeliveryFrom(e) : null;
    }

    /// <summary>Replaces a delivery if it has not changed since it was read: the new ETag, or null when another worker moved first.</summary>
    public async Task<ETag?> TryUpdateDeliveryAsync(WebhookDelivery d, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await webhooks.UpdateEntityAsync(ToEntity(d), d.ETag, TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null;
        }
    }

    public async Task AddAttemptAsync(string subscriptionId, string deliveryId, WebhookAttempt a, CancellationToken cancellationToken = default) =>
        await webhooks.UpsertEntityAsync(AttemptEntity(subscriptionId, deliveryId, a), TableUpdateMode.Replace, cancellationToken);

    /// <summary>
    /// Records an attempt and the delivery's new state together (one entity-group transaction:
    /// both live in the subscription's partition): the new ETag, or null when the delivery changed
    /// since it was read — then the attempt is still logged, alone.
    /// </summary>
    public async Task<ETag?> TryRecordAttemptAsync(WebhookDelivery after, WebhookAttempt a, CancellationToken cancellationToken = default)
    {
        try
        {
            var responses = (await webhooks.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(after), after.ETag),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, AttemptEntity(after.SubscriptionId, after.DeliveryId, a)),
            ], cancellationToken)).Value;
            return responses.Count > 0 ? responses[0].Headers.ETag ?? ETag.All : ETag.All;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404)
        {
            await AddAttemptAsync(after.SubscriptionId, after.DeliveryId, a, cancellationToken);
            return null;
        }
    }

    private static TableEntity AttemptEntity(string subscriptionId, string deliveryId, WebhookAttempt a) =>
        new(DeliveryPartition(subscriptionId), $"{deliveryId}|a{a.Number:D3}")
        {
            ["at"] = a.At,
            ["statusCode"] = a.StatusCode,
            ["latencyMs"] = a.LatencyMs,
            ["snippet"] = a.ResponseSnippet,
            ["error"] = a.Error,
        };

    /// <summary>A subscription's deliveries, newest first, each with its attempts.</summary>
    public async Task<IReadOnlyList<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)>> ListDeliveriesAsync(
        string subscriptionId, CancellationToken cancellationToken = default)
    {
        var deliveries = new List<WebhookDelivery>();
        var attempts = new Dictionary<string, List<WebhookAttempt>>(StringComparer.Ordinal);
        await foreach (var e in webhooks.QueryAsync<TableEntity>(x => x.PartitionKey == DeliveryPartition(subscriptionId), cancellationToken: cancellationToken))
        {
            var bar = e.RowKey.LastIndexOf("|a", StringComparison.Ordinal);
            if (bar < 0)
            {
                deliveries.Add(DeliveryFrom(e));
                continue;
            }

            var key = e.RowKey[..bar];
            if (!attempts.TryGetValue(key, out var list))
            {
                attempts[key] = list = [];
            }

            list.Add(new WebhookAttempt(int.Parse(e.RowKey[(bar + 2)..], CultureInfo.InvariantCulture), e.GetDateTimeOffset("at") ?? default,
                e.GetInt32("statusCode"), e.GetInt64("latencyMs") ?? 0, e.GetString("snippet"), e.GetString("error")));
        }

        return [.. deliveries.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.DeliveryId, StringComparer.Ordinal)
            .Select(d => (d, (IReadOnlyList<WebhookAttempt>)(attempts.TryGetValue(d.DeliveryId, out var a) ? [.. a.OrderBy(x => x.Number)] : [])))];
    }

    /// <summary>Every delivery still to be delivered, across subscriptions (a scan: for the development clock and checks, not for requests).</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> PendingDeliveriesAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<WebhookDelivery>();
        var pending = DeliveryStatus.Pending.ToString();
        await foreach (var e in webhooks.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"status eq {pending}"), cancellationToken: cancellationToken))
        {
            if (e.PartitionKey.StartsWith("d:", StringComparison.Ordinal) && !e.RowKey.Contains("|a", StringComparison.Ordinal))
            {
                list.Add(DeliveryFrom(e));
            }
        }

        return list;
    }

    private static string DeliveryPartition(string subscriptionId) => $"d:{subscriptionId}";

    private static TableEntity ToEntity(WebhookSubscription s) => new(SubscriptionPartition, s.Id)
    {
        ["url"] = s.Url,
        ["events"] = string.Join(' ', s.Events),
        ["description"] = s.Description,
        ["status"] = s.Status.ToString(),
        ["disabledReason"] = s.DisabledReason,
        ["secret"] = s.SealedSecret,
        ["previousSecret"] = s.SealedPreviousSecret,
        ["previousSecretUntil"] = s.PreviousSecretUntil,
        ["createdAt"] = s.CreatedAt,
    };

    private static WebhookSubscription FromEntity(TableEntity e) => new(
        e.RowKey,
        e.GetString("url"),
        (e.GetString("events") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries),
        e.GetString("description"),
        Enum.Parse<SubscriptionStatus>(e.GetString("status")),
        e.GetString("disabledReason"),
        e.GetString("secret"),
        e.GetString("previousSecret"),
        e.GetDateTimeOffset("previousSecretUntil"),
        e.GetDateTimeOffset("createdAt") ?? default,
        e.ETag);

    private static TableEntity ToEntity(WebhookDelivery d) => new(DeliveryPartition(d.SubscriptionId), d.DeliveryId)
    {
        ["roundId"] = d.RoundId,
        ["type"] = d.Type,
        ["messageId"] = d.MessageId,
        ["body"] = d.Body,
        ["status"] = d.Status.ToString(),
        ["attempts"] = d.Attempts,
        ["tries"] = d.Tries,
        ["nextAttemptAt"] = d.NextAttemptAt,
        ["lastStatusCode"] = d.LastStatusCode,
        ["lastError"] = d.LastError,
        ["createdAt"] = d.CreatedAt,
        ["deliveredAt"] = d.DeliveredAt,
        ["runner"] = d.Runner,
        ["replays"] = d.Replays,
        ["attemptingUntil"] = d.AttemptingUntil,
    };

    private static WebhookDelivery DeliveryFrom(TableEntity e) => new(
        e.PartitionKey[2..],
        e.RowKey,
        e.GetString("roundId"),
        e.GetString("type"),
        e.GetString("messageId"),
        e.GetString("body"),
        Enum.Parse<DeliveryStatus>(e.GetString("status")),
        e.GetInt32("attempts") ?? 0,
        e.GetInt32("tries") ?? 0,
        e.GetDateTimeOffset("nextAttemptAt"),
        e.GetInt32("lastStatusCode"),
        e.GetString("lastError"),
        e.GetDateTimeOffset("createdAt") ?? default,
        e.GetDateTimeOffset("deliveredAt"),
        e.GetString("runner"),
        e.GetInt32("replays") ?? 0,
        e.GetDateTimeOffset("attemptingUntil"),
        e.ETag);
}
