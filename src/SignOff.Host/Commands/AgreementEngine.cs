using SignOff.Core.Agreements;

namespace SignOff.Host.Commands;

/// <summary>
/// The one door from the HTTP side (and the round's effect that opens an agreement) to the
/// register: send an agreement a trigger and hear what it recorded, or read it as it stands.
/// </summary>
/// <remarks>As <see cref="IRoundEngine"/>: small, so the same endpoint code serves every host; the list and the history are read from the read side.</remarks>
public interface IAgreementEngine
{
    /// <summary>Applies a trigger and answers with what the agreement recorded: accepted, already applied, or refused with why.</summary>
    /// <exception cref="AgreementBusyException">The agreement did not answer in time; the same trigger id may be sent again.</exception>
    Task<AgreementDecision> RunAsync(string agreementId, AgreementTrigger trigger, CancellationToken cancellationToken);

    /// <summary>The agreement as it stands now, or null when it is not in the register.</summary>
    Task<AgreementState?> LoadAsync(string agreementId, CancellationToken cancellationToken);

    /// <summary>Wakes every agreement in force so it fires whatever is due and sets its alarm again (after the development clock moved).</summary>
    /// <returns>How many timers were due when it looked.</returns>
    Task<int> FireDueTimersAsync(bool clockMoved, CancellationToken cancellationToken);
}

/// <summary>An agreement did not confirm a trigger in time: nothing is known to be lost, and sending the same trigger id again is safe.</summary>
public sealed class AgreementBusyException(string agreementId, string triggerId, TimeSpan waited)
    : Exception($"Agreement '{agreementId}' did not confirm trigger '{triggerId}' within {waited.TotalSeconds:0} s; send it again with the same id.")
{
    public string AgreementId { get; } = agreementId;

    public string TriggerId { get; } = triggerId;
}
