using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SignOff.Storage;

/// <summary>
/// SignOff's own traces and metrics (<c>System.Diagnostics</c> only: the host decides where they
/// go — Application Insights, OTLP, or nowhere). Every span and measurement carries the round id,
/// so one round's story can be followed across the API and the webhooks. (The round's transitions
/// and effects are measured in the workflow: <c>SignOff.Workflow.WorkflowTelemetry</c>.)
/// </summary>
public static class Telemetry
{
    public const string Name = "SignOff";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Webhook attempts, by event type and result.</summary>
    public static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>("signoff.webhooks.attempts", description: "Webhook delivery attempts, by event type and result.");

    /// <summary>Azure Storage requests sent (each retry counts: it is a billed transaction), by service.</summary>
    public static readonly Counter<long> StorageRequests = Meter.CreateCounter<long>("signoff.storage.requests", description: "Azure Storage requests (billed transactions), by service: table, queue, blob.");

    /// <summary>Webhook attempt latency.</summary>
    public static readonly Histogram<double> WebhookLatency = Meter.CreateHistogram<double>("signoff.webhooks.latency", "ms", "Time for a receiver to answer one attempt.");
}
