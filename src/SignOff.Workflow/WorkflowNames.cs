namespace SignOff.Workflow;

/// <summary>
/// The names the workflow classes are registered under, in both hosts.
/// </summary>
/// <remarks>
/// These names are stored in the task hub (history, queued messages, entity ids): renaming one
/// strands every in-flight instance that carries the old name. Add new names; never change these.
/// </remarks>
public static class WorkflowNames
{
    /// <summary>The round entity (entity names are lower-cased by the framework).</summary>
    public const string RoundEntity = "round";

    /// <summary>Records a transition for the read side and performs its effects.</summary>
    public const string RoundEffects = "RoundEffects";

    /// <summary>The agreement entity: one agreement in the register (lower case, like every entity name).</summary>
    public const string AgreementEntity = "agreement";

    /// <summary>Records an agreement's transition for the read side and performs its effects.</summary>
    public const string AgreementEffects = "AgreementEffects";

    /// <summary>Writes an agreement's transition to the read side.</summary>
    public const string RecordAgreementTransition = "RecordAgreementTransition";

    /// <summary>Performs one effect of an agreement (an email, a webhook fan-out).</summary>
    public const string PerformAgreementEffect = "PerformAgreementEffect";

    /// <summary>Wakes a round at an instant.</summary>
    public const string RoundAlarm = "RoundAlarm";

    /// <summary>Writes a transition to the read side.</summary>
    public const string RecordTransition = "RecordTransition";

    /// <summary>Performs one effect (an email, a webhook fan-out).</summary>
    public const string PerformEffect = "PerformEffect";

    /// <summary>Delivers one webhook event to one subscription, retrying on durable timers.</summary>
    public const string WebhookDelivery = "WebhookDelivery";

    /// <summary>Attempts a webhook delivery if it is due.</summary>
    public const string AttemptWebhook = "AttemptWebhook";

    /// <summary>Events raised to orchestrations.</summary>
    public static class Events
    {
        /// <summary>The development clock moved: whatever waits for a round-clock instant looks again.</summary>
        public const string ClockMoved = "clock-moved";
    }

    /// <summary>The round entity's operations.</summary>
    public static class Operations
    {
        /// <summary>Apply a <see cref="SignOff.Core.Rounds.RoundTrigger"/>.</summary>
        public const string Apply = "apply";

        /// <summary>Fire every timer that is due.</summary>
        public const string Tick = "tick";
    }

    /// <summary>The round entity's instance id for a round.</summary>
    public static Microsoft.DurableTask.Entities.EntityInstanceId RoundEntityId(string roundId) => new(RoundEntity, roundId);

    /// <summary>The agreement entity's instance id for an agreement.</summary>
    public static Microsoft.DurableTask.Entities.EntityInstanceId AgreementEntityId(string agreementId) => new(AgreementEntity, agreementId);

    /// <summary>The effects orchestration of an agreement's transition (deterministic for the reason <see cref="EffectsInstanceId"/> gives).</summary>
    /// <remarks>Its own prefix: an agreement's id is the id of the round that made it, so the round's ids would collide.</remarks>
    public static string AgreementEffectsInstanceId(string agreementId, long transition) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"agreement-effects:{agreementId}:{transition}");

    /// <summary>The alarm orchestration that wakes an agreement at an instant (same instant, same alarm).</summary>
    /// <remarks>Apart from <see cref="AlarmInstanceId"/>: the agreement shares its first round's id, and both may wake at the same instant.</remarks>
    public static string AgreementAlarmInstanceId(string agreementId, DateTimeOffset wakeAt) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"alarm:agreement:{agreementId}:{wakeAt.UtcTicks}");

    /// <summary>The effects orchestration of a round's transition.</summary>
    /// <remarks>
    /// Deterministic on purpose: the Azure Storage backend sends an entity's outgoing messages
    /// before it checkpoints the entity, so a crash in between makes the entity run the batch again
    /// and send the start again; with the same instance id the second start finds the instance and
    /// is dropped, so a transition's effects are never started twice.
    /// </remarks>
    public static string EffectsInstanceId(string roundId, long transition) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"effects:{roundId}:{transition}");

    /// <summary>The alarm orchestration that wakes a round at an instant (same instant, same alarm).</summary>
    public static string AlarmInstanceId(string roundId, DateTimeOffset wakeAt) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"alarm:{roundId}:{wakeAt.UtcTicks}");

    /// <summary>The orchestration that runs a webhook delivery: its first run, or a numbered replay.</summary>
    /// <remarks>
    /// The first run's id is deterministic, so the fan-out started twice (its activity retried)
    /// starts it once. A replay is a new instance (<paramref name="replay"/> 1, 2, …), and the
    /// delivery's record names the instance that now runs it, so an older one still waiting stops.
    /// </remarks>
    public static string WebhookInstanceId(string subscriptionId, string deliveryId, int replay = 0) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"webhook:{subscriptionId}:{deliveryId}{(replay == 0 ? "" : $":replay-{replay}")}");

    /// <summary>The trigger id reporting a delivery failure to its round: the same failure reported twice is one trigger.</summary>
    /// <remarks>Hashed: the reference (an effect id, a webhook id) may be longer than a trigger id may be.</remarks>
    public static string FailureTriggerId(string reference) =>
        "failed:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(reference)))[..40];
}
