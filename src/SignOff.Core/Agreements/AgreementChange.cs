namespace SignOff.Core.Agreements;

/// <summary>What a round launched from the register changes about its agreement.</summary>
public enum AgreementChangeKind
{
    /// <summary>A varied draft every party bound must approve and sign: on the last counterpart it becomes the version in force.</summary>
    Variation,

    /// <summary>An organisation joins: it approves and signs the version in force, and nobody else is asked again.</summary>
    Accession,
}

/// <summary>
/// Marks a round as a change to an agreement already in the register, rather than the round that
/// makes a new one.
/// </summary>
/// <remarks>
/// Carried from the launch into the round's first event, so the round knows from the start what
/// its counterparts will do: when it takes effect, the round asks the register to apply the
/// variation or admit the joiner instead of opening an agreement of its own. A round that stalls
/// or is cancelled never asks, so the agreement stays in force as it was.
/// </remarks>
/// <param name="AgreementId">The agreement in the register.</param>
/// <param name="Kind">A variation or an accession.</param>
/// <param name="BaseVersion">The version in force when the round was launched: what a joiner signs, and what a variation varies.</param>
public sealed record AgreementChange(string AgreementId, AgreementChangeKind Kind, int BaseVersion);
