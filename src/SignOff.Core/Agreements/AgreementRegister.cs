namespace SignOff.Core.Agreements;

/// <summary>Where a round's agreement meets the register.</summary>
public static class AgreementRegister
{
    /// <summary>The terms the register keeps an agreement under, from the round that made it.</summary>
    /// <remarks>
    /// The one place they are derived: the review cycle and notice period the definition stated
    /// (none and 30 days for rounds launched before it could), reminded at the default working
    /// days ahead, counted in the round's own working-day calendar.
    /// </remarks>
    public static AgreementTerms TermsOf(Rounds.RoundState round)
    {
        ArgumentNullException.ThrowIfNull(round);
        return new AgreementTerms(round.Reviews, round.Notice, AgreementTerms.DefaultReviewReminders, round.Calendar);
    }
}
