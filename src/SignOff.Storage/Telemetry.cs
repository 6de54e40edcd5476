using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SignOff.Storage;

/// <summary>
/// SignOff's own traces and metrics (<c>System.Diagnostics</c> only: the host decides where they
/// go — Application Insights, OTLP, or nowhere). Every span and measurement carries the round id,
/// so one round's story can be followed across the API, the queues and the webhooks.
/// </summary>
public static class Telemetry
{
    public const string Name = "SignOff";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Transitions committed, by trigger type and outcome (accepted, already-applied, rejected).</summary>
    public static readonly Counter<long> Transitions = Meter.CreateCounter<long>("signoff.round.transitions", description: "Round transitions decided, by trigger and outcome.");

    /// <summary>Commits that lost a race and were decided again.</summary>
    public static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("signoff.round.conflicts", description: "Optimistic-concurrency conflicts on a round's partition.");

    /// <summary>From load to committed, per transition.</summary>
    public static readonly Histogram<double> TransitionDuration = Meter.CreateHistogram<double>("signoff.round.transition.duration", "ms", "Load, decide and commit of one trigger.");

    /// <summary>Effects performed, by kind.</summary>
    public static readonly Counter<long> Effects = Meter.CreateCounter<long>("signoff.effects.performed", description: "Effects performed (emails, webhook fan-outs), by kind.");

    /// <summary>Webhook attempts, by event type and result.</summary>
    public static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>("signoff.webhooks.attempts", description: "Webhook delivery attempts, by event type and result.");

    /// <summary>Azure Storage requests sent (each retry counts: it is a billed transaction), by service.</summary>
    public static readonly Counter<long> StorageRequests = Meter.CreateCounter<long>("signoff.storage.requests", description: "Azure Storage requests (billed transactions), by service: table, queue, blob.");

    /// <summary>Webhook attempt latency.</summary>
    public static readonly Histogram<double> WebhookLatency = Meter.CreateHistogram<double>("signoff.webhooks.latency", "ms", "Time for a receiver to answer one attempt.");
}
