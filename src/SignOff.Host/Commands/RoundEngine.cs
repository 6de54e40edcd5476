using SignOff.Core.Rounds;

namespace SignOff.Host.Commands;

/// <summary>
/// The one door from the HTTP side (the API, the pages, the officer's link) to a round: send it
/// a trigger and hear what the round recorded, or read it as it stands.
/// </summary>
/// <remarks>
/// Small on purpose, so the same endpoint code serves every host: the local host's Durable Task
/// Framework worker, and the Functions app's Durable client. Lists, digests and the audit log
/// are read from the read side, not through here.
/// </remarks>
public interface IRoundEngine
{
    /// <summary>
    /// Applies a trigger built from the round as it stands (null when it does not exist) and
    /// answers with what the round recorded: accepted, already applied, or refused with why.
    /// </summary>
    /// <remarks>The factory may be called more than once and must give the same trigger id every time.</remarks>
    /// <exception cref="RoundBusyException">The round did not answer in time; the same trigger id may be sent again.</exception>
    Task<RoundDecision> RunAsync(string roundId, Func<RoundState?, RoundTrigger> make, CancellationToken cancellationToken);

    /// <summary>The round as it stands now, or null when there is no such round.</summary>
    Task<RoundState?> LoadAsync(string roundId, CancellationToken cancellationToken);

    /// <summary>Fires every timer due by the round clock, in every round, and waits for them.</summary>
    /// <param name="clockMoved">The development clock was moved: every open round sets its alarm again from the new time.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>How many timers fired.</returns>
    /// <remarks>
    /// Alarms fire timers on their own; this is for a moved development clock, and a safety net
    /// (the Functions host's sweep) should an alarm ever be lost.
    /// </remarks>
    Task<int> FireDueTimersAsync(bool clockMoved, CancellationToken cancellationToken);
}

/// <summary>A round did not confirm a trigger in time: nothing is known to be lost, and sending the same trigger id again is safe.</summary>
public sealed class RoundBusyException(string roundId, string triggerId, TimeSpan waited)
    : Exception($"Round '{roundId}' did not confirm trigger '{triggerId}' within {waited.TotalSeconds:0} s; send it again with the same id.")
{
    public string RoundId { get; } = roundId;

    public string TriggerId { get; } = triggerId;
}
