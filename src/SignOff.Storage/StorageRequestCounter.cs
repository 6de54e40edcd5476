using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace SignOff.Storage;

/// <summary>
/// Counts every request the Azure SDK clients send, retries included, by service — Azure bills
/// storage by the transaction, so this is what SignOff costs to run. Feeds
/// <see cref="Telemetry.StorageRequests"/>; the benchmark reads it to print transactions per
/// decision and per idle hour.
/// </summary>
public sealed class StorageRequestCounter(string service) : HttpPipelineSynchronousPolicy
{
    private readonly TagList tags = new() { { "service", service } };

    public override void OnSendingRequest(HttpMessage message) => Telemetry.StorageRequests.Add(1, tags);
}
