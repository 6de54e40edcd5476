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
        return Write(e.Type, e.OccurredAt, e.Type == WebhookCatalogue.TestEvent ? null : ("roundId", e.RoundId), e.PartnerId is { } partner ? ("partnerId", partner) : null, e.Data);
    }

    /// <summary><c>{"type":…,"timestamp":…,"data":{"agreementId":…,"partyId":…,…}}</c>: an event of the agreement register, as UTF-8.</summary>
    /// <remarks>
    /// Its own names, not a round's: an agreement outlives its rounds, and its data may name a
    /// round of its own (the variation's, the accession's) under <c>roundId</c>.
    /// </remarks>
    public static string For(Agreements.PublishAgreementWebhook e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Write(e.Type, e.OccurredAt, ("agreementId", e.AgreementId), e.PartyId is { } party ? ("partyId", party) : null, e.Data);
    }

    /// <summary>The one envelope: type, timestamp to the second, then the data led by what it is about.</summary>
    private static string Write(string type, DateTimeOffset occurredAt, (string Key, string Value)? subject, (string Key, string Value)? about,
        IEnumerable<KeyValuePair<string, string>> data)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteString("timestamp", occurredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteStartObject("data");
            foreach (var (key, value) in new[] { subject, about }.OfType<(string Key, string Value)>().Concat(data.Select(d => (d.Key, d.Value))))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A delivery's id for a round's event: the round id, then the effect id.</summary>
    /// <remarks>
    /// Effect ids are unique only within their round (a timer's is built from its purpose, partner
    /// and date, so two rounds with the same council and reminder date share one); deliveries and
    /// <c>webhook-id</c>s span rounds, so the round id goes first. Round ids never contain a colon.
    /// </remarks>
    public static string DeliveryId(string roundId, string effectId) => $"{roundId}:{effectId}";

    /// <summary>The <c>webhook-id</c>: one per event, the same on every retry and for every subscription, so receivers can deduplicate.</summary>
    /// <param name="deliveryId">The delivery's id (see <see cref="DeliveryId"/>), unique across rounds.</param>
    public static string MessageId(string deliveryId) =>
        "msg_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(deliveryId)))[..32];
}
