using SignOff.Core.Rounds;
using SignOff.Storage.Rounds;

namespace SignOff.Host.Effects;

/// <summary>Performs one kind of effect: sends an email, records a webhook's deliveries.</summary>
/// <remarks>
/// A handler throws to have the effect retried, and throws
/// <see cref="SignOff.Workflow.Effects.EffectRefusedException"/> when retrying cannot help (a mail
/// provider refusing the account): the handler knows its provider's answers, the performer only
/// the effects' vocabulary, so the dependency runs from the handlers to the effects and not back.
/// </remarks>
public interface IEffectHandler
{
    /// <summary>True for the effects this handler performs.</summary>
    bool Handles(RoundEffect effect);

    /// <summary>
    /// True when performing an effect twice changes nothing — the handler deduplicates by effect
    /// id itself (a webhook fan-out adds each delivery once) — so it needs no claim first.
    /// </summary>
    bool Idempotent { get; }

    /// <summary>Performs the effect. Throw to have it retried.</summary>
    Task PerformAsync(EffectContext context, RoundEffect effect, CancellationToken cancellationToken);
}

/// <summary>What an effect is performed with: its round (read once, when first asked for) and what the ledger records about its transition's sends.</summary>
public sealed class EffectContext
{
    private readonly Lazy<Task<RoundState?>> round;

    /// <summary>A context for one effect of a round.</summary>
    /// <param name="roundId">The round.</param>
    /// <param name="rounds">Where the round is read from, when a handler first asks.</param>
    /// <param name="records">What the ledger records about the transition's effects and sends.</param>
    public EffectContext(string roundId, RoundReadModel rounds, IReadOnlyDictionary<string, EffectRecord> records)
    {
        RoundId = roundId;
        Records = records;
        round = new(() => rounds.LoadAsync(roundId, CancellationToken.None));
    }

    /// <summary>The round.</summary>
    public string RoundId { get; }

    /// <summary>Effects and sends recorded (done or claimed) when the effect was picked up.</summary>
    public IReadOnlyDictionary<string, EffectRecord> Records { get; }

    /// <summary>The round as the read side has it (the effects orchestration records the transition before it performs its effects).</summary>
    public Task<RoundState?> RoundAsync() => round.Value;
}
