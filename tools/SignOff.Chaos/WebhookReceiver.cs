using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using SignOff.Core.Webhooks;
using SignOff.Testing;

namespace SignOff.Chaos;

/// <summary>One webhook request as it arrived.</summary>
internal sealed record ReceivedWebhook(string WebhookId, string Timestamp, string Signature, string Body, bool SignatureValid);

/// <summary>
/// The subscriber: Kestrel on loopback, in this process (it is not killed), recording every
/// request's <c>webhook-id</c>, body and whether its signature verifies, and answering 200.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private LoopbackServer server = null!;

    private WebhookReceiver()
    {
    }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>The subscription's secret, once known; until then signatures count as unverified.</summary>
    public string? Secret { get; set; }

    /// <summary>The URL to subscribe: <c>localhost</c>, the name Development allows for a local receiver.</summary>
    public string Url => server.LocalhostUrl("/hook");

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        receiver.server = await LoopbackServer.StartAsync(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            var id = http.Request.Headers["webhook-id"].ToString();
            var timestamp = http.Request.Headers["webhook-timestamp"].ToString();
            var signature = http.Request.Headers["webhook-signature"].ToString();
            receiver.Received.Enqueue(new ReceivedWebhook(id, timestamp, signature, body, receiver.Verifies(id, timestamp, signature, body)));
            http.Response.StatusCode = StatusCodes.Status200OK;
        });
        return receiver;
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();

    private bool Verifies(string id, string timestamp, string signature, string body)
    {
        if (Secret is not { } secret || !long.TryParse(timestamp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var expected = WebhookSignature.Sign(secret, id, DateTimeOffset.FromUnixTimeSeconds(seconds), body);
        return signature.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(expected, StringComparer.Ordinal);
    }
}
