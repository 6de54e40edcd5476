namespace SignOff.Workflow.Time;

/// <summary>Wake a round at a real instant.</summary>
public sealed record AlarmRequest(string RoundId, DateTimeOffset WakeAt);
