using System.Security.Cryptography;
using System.Text;

namespace SignOff.Host.Webhooks;

/// <summary>
/// Seals webhook signing secrets with AES-256-GCM before they are stored, so a copy of the table
/// (a backup, a leaked SAS) is not a way to forge SignOff's signatures.
/// </summary>
/// <remarks>
/// Secrets cannot be stored as hashes, as API keys are: signing needs the secret itself. The key
/// lives outside storage (Key Vault on Azure), and each sealed value carries its own nonce.
/// </remarks>
public sealed class SecretSealer
{
    private const string Version = "v1:";
    private readonly byte[] key;

    public SecretSealer(WebhookOptions options, IHostEnvironment environment, ILogger<SecretSealer> logger)
    {
        if (options.SecretKey is { Length: > 0 } configured)
        {
            key = Convert.FromBase64String(configured);
            if (key.Length != 32)
            {
                throw new InvalidOperationException("Webhooks:SecretKey must be 32 bytes, base64-encoded.");
            }
        }
        else if (environment.IsDevelopment())
        {
            logger.LogWarning("Webhooks:SecretKey is not set: sealing webhook secrets with the fixed development key");
            key = SHA256.HashData(Encoding.UTF8.GetBytes("SignOff development webhook sealing key"));
        }
        else
        {
            throw new InvalidOperationException("Webhooks:SecretKey is required outside Development (32 bytes, base64; keep it in Key Vault).");
        }
    }

    public string Seal(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var cipher = new byte[plain.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Encrypt(nonce, plain, cipher, tag);
        }

        return Version + Convert.ToBase64String([.. nonce, .. cipher, .. tag]);
    }

    /// <exception cref="CryptographicException">The value was not sealed with this key.</exception>
    public string Open(string sealedSecret)
    {
        ArgumentNullException.ThrowIfNull(sealedSecret);
        if (!sealedSecret.StartsWith(Version, StringComparison.Ordinal))
        {
            throw new CryptographicException("Not a sealed webhook secret.");
        }

        var all = Convert.FromBase64String(sealedSecret[Version.Length..]);
        var nonce = all.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        var tag = all.AsSpan(all.Length - AesGcm.TagByteSizes.MaxSize);
        var cipher = all.AsSpan(nonce.Length, all.Length - nonce.Length - tag.Length);
        var plain = new byte[cipher.Length];
        using var aes = new AesGcm(key, tag.Length);
        aes.Decrypt(nonce, cipher, tag, plain);
        return Encoding.UTF8.GetString(plain);
    }
}
