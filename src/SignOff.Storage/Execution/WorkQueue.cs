using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SignOff.Core.Rounds;

namespace SignOff.Storage.Execution;

/// <summary>Wakes a round with a trigger (a due timer, a hand-off).</summary>
public sealed record TriggerMessage(string RoundId, RoundTrigger Trigger);

/// <summary>Asks for a round's outbox row to be dispatched.</summary>
public sealed record EffectMessage(string RoundId, string TriggerId);

/// <summary>A message taken from a queue, with what is needed to finish or release it.</summary>
public sealed record Delivery<T>(T? Body, string MessageId, string PopReceipt, long DequeueCount, string RawText);

/// <summary>
/// A storage queue of JSON messages, with a poison queue for messages that keep failing.
/// </summary>
/// <remarks>
/// Delivery is at least once: a message is deleted only after its work is done, so a crash
/// means it reappears after the visibility timeout. Every handler is therefore idempotent. A
/// message dequeued more than <see cref="MaxDequeueCount"/> times, or one that cannot be read at
/// all, is moved to the poison queue so it cannot block the rest.
/// </remarks>
public sealed class WorkQueue<T>(QueueClient queue, QueueClient poison, ILogger? logger = null, TimeSpan? visibilityTimeout = null)
{
    private readonly ILogger log = logger ?? NullLogger.Instance;
    private readonly TimeSpan visibility = visibilityTimeout ?? DefaultVisibilityTimeout;

    /// <summary>Dequeues beyond this count send a message to the poison queue (the Functions host's default is 5 too).</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>How long a taken message stays invisible to other workers, unless configured otherwise.</summary>
    public static readonly TimeSpan DefaultVisibilityTimeout = TimeSpan.FromSeconds(30);

    public string Name => queue.Name;

    /// <summary>Raised after a message is sent from this process, so an in-process poller can wake at once instead of polling often.</summary>
    public event Action? Sent;

    public async Task SendAsync(T message, TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        await queue.SendMessageAsync(JsonSerializer.Serialize(message, RoundJson.Options), delay, cancellationToken: cancellationToken);
        Sent?.Invoke();
    }

    /// <summary>Takes up to <paramref name="max"/> messages. Poison messages are moved aside and not returned.</summary>
    public async Task<IReadOnlyList<Delivery<T>>> ReceiveAsync(int max, CancellationToken cancellationToken = default)
    {
        QueueMessage[] messages = await queue.ReceiveMessagesAsync(max, visibility, cancellationToken);
        var deliveries = new List<Delivery<T>>();
        foreach (var m in messages)
        {
            var text = m.Body.ToString();
            var body = TryRead(text);
            if (body is null || m.DequeueCount > MaxDequeueCount)
            {
                await MoveToPoisonAsync(new Delivery<T>(body, m.MessageId, m.PopReceipt, m.DequeueCount, text), cancellationToken);
                continue;
            }

            deliveries.Add(new Delivery<T>(body, m.MessageId, m.PopReceipt, m.DequeueCount, text));
        }

        return deliveries;
    }

    /// <summary>The work is done: delete the message.</summary>
    public async Task CompleteAsync(Delivery<T> delivery, CancellationToken cancellationToken = default)
    {
        try
        {
            await queue.DeleteMessageAsync(delivery.MessageId, delivery.PopReceipt, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The visibility timeout passed and another worker took it; its work is idempotent.
        }
    }

    /// <summary>Hides a message for a while (the far side asked us to wait) without counting it as done.</summary>
    public async Task DeferAsync(Delivery<T> delivery, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        try
        {
            await queue.UpdateMessageAsync(delivery.MessageId, delivery.PopReceipt, visibilityTimeout: delay, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Another worker took it after the visibility timeout; it will meet the same answer.
        }
    }

    /// <summary>Copies a message to the poison queue and removes it from this one.</summary>
    public async Task MoveToPoisonAsync(Delivery<T> delivery, CancellationToken cancellationToken = default)
    {
        log.LogError("Moved message {MessageId} from {Queue} to {Poison} after {DequeueCount} attempt(s){Unreadable}: {Text}",
            delivery.MessageId, queue.Name, poison.Name, delivery.DequeueCount, delivery.Body is null ? " (unreadable)" : "",
            delivery.RawText.Length > 500 ? delivery.RawText[..500] : delivery.RawText);
        await poison.SendMessageAsync(delivery.RawText, cancellationToken: cancellationToken);
        await CompleteAsync(delivery, cancellationToken);
    }

    /// <summary>Messages waiting in the poison queue (for health checks and tests).</summary>
    public async Task<int> PoisonCountAsync(CancellationToken cancellationToken = default) =>
        (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;

    private static T? TryRead(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, RoundJson.Options);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
