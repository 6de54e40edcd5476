namespace SignOff.Workflow.Time;

/// <summary>
/// When an entity (a round, an agreement) arms its next alarm: one rule for both, since both keep
/// their timers as data and use an alarm only to be woken.
/// </summary>
public static class AlarmRule
{
    /// <summary>An alarm this far past its instant without ringing is taken as lost and armed again.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    /// <summary>How soon to ring again when an alarm rang before anything was due.</summary>
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The real instant to arm an alarm for, or null when none is needed: no timer is pending, or an
    /// alarm that rings no later is already armed and not lost.
    /// </summary>
    /// <param name="earliestDue">The entity's earliest pending timer, by its own clock.</param>
    /// <param name="armedAt">The alarm armed and not yet rung, if any.</param>
    /// <param name="rang">The alarm that just rang, if this follows one: the next is never armed for the same instant.</param>
    /// <param name="clock">The entity's clock and the wall clock.</param>
    public static DateTimeOffset? Next(DateTimeOffset? earliestDue, DateTimeOffset? armedAt, DateTimeOffset? rang, WorkflowClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (earliestDue is not { } dueAt)
        {
            return null;
        }

        // To the millisecond, so the alarm's instance id and the instant it reports back agree exactly.
        var wakeAt = CeilingToMilliseconds(clock.ToWall(dueAt));
        if (rang is { } previous && wakeAt <= previous)
        {
            // The alarm rang a hair before the entity's clock reached the timer (clocks of two
            // machines, or a moved development clock): ring again shortly, under a new id, since
            // an alarm with the old one has run and would not run again.
            wakeAt = previous + Retry;
        }

        var armed = armedAt is { } at && at + Grace > clock.WallNow ? at : (DateTimeOffset?)null;
        return armed is { } already && already <= wakeAt ? null : wakeAt;
    }

    /// <summary>Rounded up: an alarm never rings before the instant it stands for.</summary>
    private static DateTimeOffset CeilingToMilliseconds(DateTimeOffset instant)
    {
        var ticks = instant.UtcTicks;
        var rest = ticks % TimeSpan.TicksPerMillisecond;
        return new DateTimeOffset(rest == 0 ? ticks : ticks - rest + TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }
}
