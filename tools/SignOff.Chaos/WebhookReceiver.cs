using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SignOff.Core.Webhooks;

namespace SignOff.Chaos;

/// <summary>One webhook request as it arrived.</summary>
internal sealed record ReceivedWebhook(string WebhookId, string Timestamp, string Signature, string Body, bool SignatureValid);

/// <summary>
/// The subscriber: Kestrel on loopback, in this process (it is not killed), recording every
/// request's <c>webhook-id</c>, body and whether its signature verifies, and answering 200.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private WebhookReceiver(WebApplication app) => this.app = app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>The subscription's secret, once known; until then signatures count as unverified.</summary>
    public string? Secret { get; set; }

    /// <summary>The URL to subscribe: <c>localhost</c>, the name Development allows for a local receiver.</summary>
    public string Url
    {
        get
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/hook";
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            var id = http.Request.Headers["webhook-id"].ToString();
            var timestamp = http.Request.Headers["webhook-timestamp"].ToString();
            var signature = http.Request.Headers["webhook-signature"].ToString();
            receiver.Received.Enqueue(new ReceivedWebhook(id, timestamp, signature, body, receiver.Verifies(id, timestamp, signature, body)));
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

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
