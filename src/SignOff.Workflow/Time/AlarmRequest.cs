namespace SignOff.Workflow.Time;

/// <summary>Wake an entity — a round, or an agreement in the register — at a real instant.</summary>
/// <remarks>
/// One alarm for both kinds rather than a second orchestration: the alarm only waits and signals
/// <c>tick</c>, which both entities understand, and a new orchestration would need registering in
/// both hosts. <paramref name="Entity"/> was added later with a default, so an alarm stored in
/// flight before it existed (no <c>entity</c> in its input) still wakes its round; the orchestrator
/// makes the same calls in the same order, so its replay is unchanged.
/// </remarks>
/// <param name="RoundId">The entity's key: the round's id, or the agreement's (the name stays: it is stored in alarms in flight).</param>
/// <param name="WakeAt">The real instant to wake it.</param>
/// <param name="Entity">The entity's name (<see cref="WorkflowNames.RoundEntity"/> or <see cref="WorkflowNames.AgreementEntity"/>).</param>
public sealed record AlarmRequest(string RoundId, DateTimeOffset WakeAt, string Entity = WorkflowNames.RoundEntity);
