using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SignOff.Core.Rounds;

namespace SignOff.Storage.Blobs;

/// <summary>
/// Drafts and counterparts in Blob storage, content-addressed by SHA-256 and never overwritten.
/// </summary>
/// <remarks>
/// The blob name is the hash, so the same document uploaded twice is stored once, and what a
/// decision or counterpart records (version and hash) always names exactly the bytes it was
/// about. Uploads are read into memory only up to the limit plus one byte, so an oversized
/// upload is refused without being buffered whole.
/// </remarks>
public sealed class BlobDocumentStore(BlobContainerClient container, long maxBytes)
{
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Reads and checks an upload without storing it.</summary>
    public async Task<(DocumentCheck Check, byte[] Content)> ReadAsync(Stream content, CancellationToken cancellationToken = default) =>
        await ReadAsync(content, UploadPurpose.Draft, cancellationToken);

    /// <summary>Reads and checks an upload for a purpose (a counterpart may be a photo) without storing it.</summary>
    public async Task<(DocumentCheck Check, byte[] Content)> ReadAsync(Stream content, UploadPurpose purpose, CancellationToken cancellationToken = default)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                break;
            }
        }

        var bytes = buffer.ToArray();
        return (DocumentInspector.Inspect(bytes, maxBytes, purpose), bytes);
    }

    /// <summary>Checks content SignOff made itself (a photo turned into a PDF) as it would an upload.</summary>
    public DocumentCheck Check(ReadOnlySpan<byte> content) => DocumentInspector.Inspect(content, maxBytes);

    /// <summary>Stores checked content under its hash (if not there already) and returns its reference.</summary>
    public async Task<DocumentRef> PutAsync(DocumentCheck check, byte[] content, string fileName, CancellationToken cancellationToken = default)
    {
        if (!check.IsAccepted)
        {
            throw new ArgumentException("Only an accepted document can be stored.", nameof(check));
        }

        var blob = container.GetBlobClient(NameOf(check.Sha256!));
        try
        {
            await blob.UploadAsync(new BinaryData(content), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = check.ContentType },
                Metadata = new Dictionary<string, string> { ["filename"] = Uri.EscapeDataString(fileName) },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Already stored: same hash, same bytes. Content-addressed blobs are never overwritten.
        }

        return new DocumentRef(check.Sha256!, fileName, check.Length, check.ContentType!);
    }

    /// <summary>A stored document's reference (length and type as stored), under a file name; null when there is none with that hash.</summary>
    public async Task<DocumentRef?> DescribeAsync(string sha256, string fileName, CancellationToken cancellationToken = default)
    {
        if (sha256.Length != 64 || sha256.Any(c => !char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)))
        {
            return null;
        }

        try
        {
            var properties = await container.GetBlobClient(NameOf(sha256)).GetPropertiesAsync(cancellationToken: cancellationToken);
            return new DocumentRef(sha256, fileName, properties.Value.ContentLength, properties.Value.ContentType);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Opens a stored document, or null when there is none with that hash.</summary>
    public async Task<(Stream Content, string ContentType)?> OpenAsync(string sha256, CancellationToken cancellationToken = default)
    {
        if (sha256.Length != 64 || sha256.Any(c => !char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)))
        {
            return null;
        }

        var blob = container.GetBlobClient(NameOf(sha256));
        try
        {
            var download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
            return (download.Value.Content, download.Value.Details.ContentType);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>True when a document with the hash is stored.</summary>
    public async Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken = default) =>
        (await container.GetBlobClient(NameOf(sha256)).ExistsAsync(cancellationToken)).Value;

    private static string NameOf(string sha256) => $"sha256/{sha256}";
}
