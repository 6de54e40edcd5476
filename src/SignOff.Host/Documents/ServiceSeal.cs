using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SignOff.Host.Configuration;
using SignOff.Storage;

namespace SignOff.Host.Documents;

/// <summary>
/// The certificate SignOff seals the counterparts it produces with, so a PDF reader shows the seal
/// and any later change to the file breaks it.
/// </summary>
/// <remarks>
/// A configured certificate (<see cref="SignOffOptions.SealCertificate"/>, from Key Vault on Azure)
/// is used as it is. Without one, the first instance to need it makes a self-signed certificate and
/// stores it with a create-only condition, so concurrent instances agree on one certificate and a
/// restart keeps it: a seal made last month still names the same certificate as one made today.
/// </remarks>
public sealed class ServiceSeal(SignOffOptions options, StorageClients storage, WallClock wall, ILogger<ServiceSeal> logger) : IDisposable
{
    private const string BlobName = "service-seal.pfx";
    private readonly SemaphoreSlim gate = new(1, 1);
    private X509Certificate2? certificate;

    /// <summary>The sealing certificate, with its private key.</summary>
    public async Task<X509Certificate2> CertificateAsync(CancellationToken cancellationToken)
    {
        if (certificate is { } known)
        {
            return known;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            certificate ??= options.SealCertificate is { Length: > 0 } configured
                ? X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(configured), options.SealCertificatePassword, X509KeyStorageFlags.EphemeralKeySet)
                : await StoredOrNewAsync(storage.DataProtectionKeys, cancellationToken);
            return certificate;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        gate.Dispose();
        certificate?.Dispose();
    }

    private async Task<X509Certificate2> StoredOrNewAsync(BlobContainerClient container, CancellationToken cancellationToken)
    {
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var blob = container.GetBlobClient(BlobName);
        try
        {
            using var made = MakeSelfSigned(wall.UtcNow);
            await blob.UploadAsync(BinaryData.FromBytes(made.Export(X509ContentType.Pkcs12)),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            logger.LogWarning("No sealing certificate is configured (SignOff:SealCertificate): made a self-signed one, {Subject}, valid to {NotAfter:yyyy-MM-dd}",
                made.Subject, made.NotAfter);
        }
        catch (RequestFailedException conflict) when (conflict.Status is 409 or 412)
        {
            // Another instance made it first: use theirs, so every seal names one certificate.
        }

        var stored = await blob.DownloadContentAsync(cancellationToken);
        return X509CertificateLoader.LoadPkcs12(stored.Value.Content.ToArray(), null, X509KeyStorageFlags.EphemeralKeySet);
    }

    private static X509Certificate2 MakeSelfSigned(DateTimeOffset now)
    {
        using var key = RSA.Create(3072);
        var request = new CertificateRequest("CN=SignOff service seal, O=SignOff", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
    }
}
