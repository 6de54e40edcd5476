namespace SignOff.Workflow.Time;

/// <summary>
/// The two clocks the workflow reads: the round's clock, which decides what is due (a
/// development host can move it), and real time, which the backend's timers run on.
/// </summary>
/// <remarks>
/// Read only in the round entity, which is not replayed, never in an orchestrator (an
/// orchestrator uses its context's replay-safe time). In production both are the system clock;
/// in development the round clock may run ahead, and an alarm for a round instant is set at the
/// real instant that lies as far ahead.
/// </remarks>
public sealed class WorkflowClock(TimeProvider round, TimeProvider wall)
{
    /// <summary>Both clocks the same (production).</summary>
    public static WorkflowClock Of(TimeProvider time) => new(time, time);

    /// <summary>The round's now.</summary>
    public DateTimeOffset Now => round.GetUtcNow();

    /// <summary>Real now.</summary>
    public DateTimeOffset WallNow => wall.GetUtcNow();

    /// <summary>The real instant at which a round instant falls, as the clocks stand now.</summary>
    public DateTimeOffset ToWall(DateTimeOffset roundInstant) => roundInstant - (round.GetUtcNow() - wall.GetUtcNow());
}
