using SignOff.Core.Agreements;
using SignOff.Core.Rounds;

namespace SignOff.Host.Commands;

/// <summary>A register command's outcome: the agreement as it now stands, or why nothing changed.</summary>
/// <param name="State">The agreement after the command (also when the trigger had already been applied).</param>
/// <param name="Failure">Why the register refused it.</param>
public sealed record AgreementResult(AgreementState? State, CommandFailure? Failure)
{
    /// <summary>True when the register recorded the command (or had already).</summary>
    public bool Succeeded => State is not null;

    /// <summary>A refusal, as a result.</summary>
    public static implicit operator AgreementResult(CommandFailure failure) => new(null, failure);
}

/// <summary>
/// The coordinator's commands on the agreement register, shared by the API and the pages so both
/// build the same triggers from the same inputs and hear the same refusals in the same words.
/// </summary>
/// <remarks>
/// Each door reads its own inputs (JSON with defaults for a client, form fields a person must fill
/// in on a page) and says what is missing in its own words; what a trigger means — a date left out
/// is today, a blank note is no note, a refusal is the core's code — is decided here once.
/// </remarks>
public sealed class AgreementCommands(IAgreementEngine engine, TimeProvider time, ILogger<AgreementCommands> logger)
{
    /// <summary>Today in London, by the service's clock.</summary>
    public DateOnly Today => LondonTime.DateOf(time.GetUtcNow());

    /// <summary>The agreement as it stands now (the entity's truth, so an act just recorded shows at once), or null when it is not in the register.</summary>
    public Task<AgreementState?> LoadAsync(string agreementId, CancellationToken ct) => engine.LoadAsync(agreementId, ct);

    /// <summary>A party gives notice on a day (today when none is given), with its reason if it gave one.</summary>
    public GiveNotice Notice(string triggerId, string partyId, DateOnly? givenOn, string? reason, Actor by) =>
        new(triggerId, partyId, givenOn ?? Today, Trimmed(reason), by);

    /// <summary>A review's outcome on a day (today when none is given), with the partnership's note if there is one.</summary>
    public RecordReview Review(string triggerId, DateOnly? reviewedOn, ReviewOutcome outcome, string? note, Actor by) =>
        new(triggerId, reviewedOn ?? Today, outcome, Trimmed(note), by);

    /// <summary>The partnership's view on carrying on; an empty one is the register's to refuse.</summary>
    public static RecordContinuation Continuation(string triggerId, string? view, Actor by) => new(triggerId, view ?? "", by);

    /// <summary>Runs a trigger: the agreement as it now stands (also when the trigger had already been applied), or the refusal.</summary>
    /// <exception cref="AgreementBusyException">The agreement did not confirm in time; the edge answers 503 and the same trigger may be sent again.</exception>
    public async Task<AgreementResult> RunAsync(string agreementId, AgreementTrigger trigger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["AgreementId"] = agreementId, ["TriggerId"] = trigger.TriggerId });
        switch (await engine.RunAsync(agreementId, trigger, ct))
        {
            case AgreementDecision.Accepted { State: var state }:
                logger.LogInformation("{Trigger} recorded for agreement {AgreementId}", trigger.GetType().Name, agreementId);
                return new AgreementResult(state, null);
            case AgreementDecision.AlreadyApplied { State: var state }:
                logger.LogInformation("{Trigger} {TriggerId} for agreement {AgreementId} was already recorded: nothing changed", trigger.GetType().Name, trigger.TriggerId, agreementId);
                return new AgreementResult(state, null);
            case AgreementDecision.Rejected rejected:
                logger.LogInformation("{Trigger} for agreement {AgreementId} refused: {Code} {Reason}", trigger.GetType().Name, agreementId, rejected.Code, rejected.Message);
                return new CommandFailure.RegisterRefused(rejected.Code, rejected.Message);
            case var other:
                throw new InvalidOperationException($"Unknown decision {other.GetType().Name}.");
        }
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
