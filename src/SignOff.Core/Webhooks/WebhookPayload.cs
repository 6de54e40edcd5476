using System.Globalization;
using System.Text;
using System.Text.Json;
using SignOff.Core.Rounds;

namespace SignOff.Core.Webhooks;

/// <summary>The body of a webhook, built once when a delivery is recorded and sent byte-for-byte on every attempt.</summary>
public static class WebhookPayload
{
    /// <summary><c>{"type":…,"timestamp":…,"data":{"roundId":…,"partnerId":…,…}}</c>, as UTF-8.</summary>
    public static string For(WebhookEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", e.Type);
            json.WriteString("timestamp", e.OccurredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteStartObject("data");
            if (e.Type != WebhookCatalogue.TestEvent)
            {
                json.WriteString("roundId", e.RoundId);
            }

            if (e.PartnerId is { } partner)
            {
                json.WriteString("partnerId", partner);
            }

            foreach (var (key, value) in e.Data)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The <c>webhook-id</c>: one per event, the same on every retry and for every subscription, so receivers can deduplicate.</summary>
    public static string MessageId(string effectId) =>
        "msg_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(effectId)))[..32];
}
