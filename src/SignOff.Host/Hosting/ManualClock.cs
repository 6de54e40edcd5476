using Azure;
using Azure.Data.Tables;

namespace SignOff.Host.Hosting;

/// <summary>
/// A development clock that runs with the system clock but can be moved forward (or set), so a
/// person trying SignOff locally can watch reminders and call-ins fire without waiting weeks.
/// </summary>
/// <remarks>
/// <para>Only registered in Development with <c>Clock:Manual=true</c>; <c>/dev/clock</c> answers 404 otherwise.</para>
/// <para>The offset is kept in storage (<see cref="SaveAsync"/>, <see cref="Restore"/>): a host
/// restarted after the clock was moved to July must not wake up in real time and fire July's
/// reminders dated today, or date new events before the ones already recorded.</para>
/// </remarks>
public sealed class ManualClock(TimeProvider system, TimeSpan offset = default) : TimeProvider
{
    private const string Partition = "dev";
    private const string Row = "clock";
    private readonly Lock gate = new();
    private TimeSpan offset = offset;

    /// <summary>The clock as the last host left it (or the system clock, the first time).</summary>
    /// <remarks>Synchronous on purpose: it runs once, while the host is built, before any worker can read the time.</remarks>
    public static ManualClock Restore(TimeProvider system, TableClient table)
    {
        table.CreateIfNotExists();
        var saved = table.GetEntityIfExists<TableEntity>(Partition, Row);
        return new ManualClock(system, saved.HasValue && saved.Value?.GetInt64("offsetTicks") is { } ticks ? TimeSpan.FromTicks(ticks) : TimeSpan.Zero);
    }

    /// <summary>Keeps the current offset, for the next host.</summary>
    public Task SaveAsync(TableClient table, CancellationToken cancellationToken)
    {
        TimeSpan now;
        lock (gate)
        {
            now = offset;
        }

        return table.UpsertEntityAsync(new TableEntity(Partition, Row) { ["offsetTicks"] = now.Ticks }, TableUpdateMode.Replace, cancellationToken);
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return system.GetUtcNow() + offset;
        }
    }

    /// <summary>Moves the clock forward.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative: time never runs backwards here.</exception>
    public DateTimeOffset Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        lock (gate)
        {
            offset += by;
            return system.GetUtcNow() + offset;
        }
    }

    /// <summary>Sets the clock to an instant (which may be in the past, to replay a historical round).</summary>
    public DateTimeOffset Set(DateTimeOffset instant)
    {
        lock (gate)
        {
            offset = instant - system.GetUtcNow();
            return instant;
        }
    }
}
