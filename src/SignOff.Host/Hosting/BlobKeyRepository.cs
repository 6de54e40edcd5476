using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace SignOff.Host.Hosting;

/// <summary>
/// Keeps ASP.NET Core's data-protection key ring in Blob storage, so every instance (and every
/// restart) shares it: a coordinator's session cookie and a form's anti-forgery token made by one
/// Functions instance are still readable by the next.
/// </summary>
/// <remarks>
/// The registry here lacks <c>Azure.Extensions.AspNetCore.DataProtection.Blobs</c>, and the
/// interface is two methods. Keys are never overwritten: each is its own blob, named by the key
/// ring's friendly name, written only if absent. The container is reached with the app's own
/// identity, as every other blob is.
/// </remarks>
public sealed class BlobKeyRepository(BlobContainerClient container) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        container.CreateIfNotExists();
        var elements = new List<XElement>();
        foreach (var blob in container.GetBlobs())
        {
            using var content = container.GetBlobClient(blob.Name).OpenRead();
            elements.Add(XElement.Load(content));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        container.CreateIfNotExists();
        using var buffer = new MemoryStream();
        element.Save(buffer, SaveOptions.DisableFormatting);
        buffer.Position = 0;
        try
        {
            container.GetBlobClient($"{friendlyName}.xml").Upload(buffer, overwrite: false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another instance stored the same key first.
        }
    }
}
