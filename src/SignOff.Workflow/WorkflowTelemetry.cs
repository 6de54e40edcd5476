using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SignOff.Workflow;

/// <summary>The workflow's traces and metrics, under the same source and meter name as the rest of SignOff.</summary>
/// <remarks>
/// <c>System.Diagnostics</c> only: the host decides where they go. Every span and measurement
/// carries the round id, so one round's story can be followed from the request through the
/// entity to its effects.
/// </remarks>
public static class WorkflowTelemetry
{
    public const string Name = "SignOff";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Triggers decided by round entities, by trigger type and outcome.</summary>
    public static readonly Counter<long> Transitions = Meter.CreateCounter<long>("signoff.round.transitions", description: "Round transitions decided, by trigger and outcome.");

    /// <summary>Deciding and evolving one trigger inside the entity.</summary>
    public static readonly Histogram<double> TransitionDuration = Meter.CreateHistogram<double>("signoff.round.transition.duration", "ms", "Decide and evolve of one trigger in the round entity.");

    /// <summary>Effects performed, by kind.</summary>
    public static readonly Counter<long> Effects = Meter.CreateCounter<long>("signoff.effects.performed", description: "Effects performed (emails, webhook fan-outs), by kind.");
}
