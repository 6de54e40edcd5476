using System.Diagnostics;
using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;

namespace SignOff.Storage;

/// <summary>
/// Counts every request the Azure SDK clients send, retries included, by service, resource (the
/// table, queue or container) and method — Azure bills storage by the transaction, so this is
/// what SignOff costs to run, and where. Feeds <see cref="Telemetry.StorageRequests"/>; the
/// benchmark reads it to print transactions per decision and per idle hour.
/// </summary>
public sealed class StorageRequestCounter(string service) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Telemetry.StorageRequests.Add(1, new TagList
        {
            { "service", service },
            { "resource", ResourceOf(message.Request.Uri.ToUri()) },
            { "method", message.Request.Method.Method },
        });
    }

    /// <summary>The table, queue or container a request is about (a handful per deployment, so a safe tag).</summary>
    internal static string ResourceOf(Uri uri)
    {
        var segments = uri.AbsolutePath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);

        // Azurite (and any endpoint addressed by IP) puts the account first: /devstoreaccount1/table.
        var pathStyle = uri.IsLoopback || IPAddress.TryParse(uri.Host, out _);
        var name = segments.Length > (pathStyle ? 1 : 0) ? segments[pathStyle ? 1 : 0] : "";
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        return paren >= 0 ? name[..paren] : name;
    }
}
