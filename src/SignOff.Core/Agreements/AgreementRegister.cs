namespace SignOff.Core.Agreements;

/// <summary>Where a round's agreement meets the register.</summary>
public static class AgreementRegister
{
    /// <summary>The terms the register keeps an agreement under, from the round that made it.</summary>
    /// <remarks>
    /// The one place they are derived: the round's definition does not yet say how often the
    /// agreement is reviewed or how long notice runs, so there are no reviews and the default
    /// notice, in the round's own working-day calendar. When the definition gains those fields,
    /// this is the only function to change.
    /// </remarks>
    public static AgreementTerms TermsOf(Rounds.RoundState round)
    {
        ArgumentNullException.ThrowIfNull(round);
        return new AgreementTerms(null, NoticePeriod.Default, AgreementTerms.DefaultReviewReminders, round.Calendar);
    }
}
