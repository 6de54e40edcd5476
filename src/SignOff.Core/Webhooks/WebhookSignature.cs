using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SignOff.Core.Webhooks;

/// <summary>
/// Standard Webhooks signatures: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")),
/// where the key is the base64 part of a <c>whsec_</c> secret.
/// </summary>
/// <remarks>
/// During a secret rotation both the new and the previous secret sign, space-separated in one
/// header, so a receiver still holding the old secret keeps verifying until it switches.
/// </remarks>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A secret from 32 random bytes (the caller supplies them: no randomness here).</summary>
    public static string SecretFrom(ReadOnlySpan<byte> key) => SecretPrefix + Convert.ToBase64String(key);

    /// <summary>The key bytes of a <c>whsec_</c> secret.</summary>
    /// <exception cref="FormatException">The secret is not a <c>whsec_</c> secret with a base64 key.</exception>
    public static byte[] KeyOf(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? Convert.FromBase64String(secret[SecretPrefix.Length..])
            : throw new FormatException("A webhook secret starts with 'whsec_'.");
    }

    /// <summary>One <c>v1,…</c> signature.</summary>
    public static string Sign(string secret, string messageId, DateTimeOffset timestamp, string body)
    {
        var signed = $"{messageId}.{timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}.{body}";
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(KeyOf(secret), Encoding.UTF8.GetBytes(signed)));
    }

    /// <summary>The <c>webhook-signature</c> header: one signature per secret, space-separated.</summary>
    public static string Header(IEnumerable<string> secrets, string messageId, DateTimeOffset timestamp, string body) =>
        string.Join(' ', secrets.Select(s => Sign(s, messageId, timestamp, body)));
}
