using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Testing;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Rounds;

/// <summary>
/// Two-stage decisions and the delegation register: a body approves in principle and delegates
/// the signature to an office holder (as Sefton's cabinet did); only that office's signature counts,
/// and every decision and counterpart says what authority it was taken under.
/// </summary>
public sealed class DelegationTests
{
    private const string Delegate = "Cabinet Member for Health and Wellbeing";

    [Fact]
    public void A_counterpart_signed_by_anyone_but_the_delegate_is_refused_and_the_delegates_counts()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2022-07-29")).Partner("Sefton Council", Routes.FullCouncil).Partner("Southport College").Build(), At(2022, 6, 1));
        var sefton = round.Partner("Sefton Council");
        round.Apply(new RecordDecision("decide", sefton.PartnerId, 1, DecisionOutcome.Approved, "Cabinet", D("2022-06-01"), "Minute 23", null, null, null,
            new Actor(sefton.Officer.Name, sefton.Officer.Email, ActorRole.Officer), SignatureDelegatedTo: Delegate));

        var byChiefExecutive = round.Try(round.CounterpartFor(round.Partner("Sefton Council")));

        var refused = Assert.IsType<RoundDecision.Rejected>(byChiefExecutive);
        Assert.Equal(RejectionCode.NotTheDelegate, refused.Code);
        Assert.Contains("Cabinet delegated Sefton Council's signature to the Cabinet Member for Health and Wellbeing; this counterpart is signed by Jo Signatory (Chief Executive)",
            refused.Message, StringComparison.Ordinal);

        var byDelegate = round.CounterpartFor(round.Partner("Sefton Council")) with { SignatoryPosition = "  the cabinet member for health and  wellbeing " };
        round.Apply(byDelegate);
        Assert.Equal(PartnerStatus.Signed, round.Partner("Sefton Council").Status);
    }

    [Theory]
    [InlineData(DecisionOutcome.Declined)]
    [InlineData(DecisionOutcome.Deferred)]
    public void Only_an_approval_can_delegate_the_signature(DecisionOutcome outcome)
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2022-07-29")).Partner("Sefton Council", Routes.FullCouncil).Build(), At(2022, 6, 1));
        var sefton = round.Partner("Sefton Council");

        var refused = round.Try(new RecordDecision("decide", sefton.PartnerId, 1, outcome, "Cabinet", D("2022-06-01"), null, null, "Not yet", D("2022-07-01"),
            new Actor(sefton.Officer.Name, sefton.Officer.Email, ActorRole.Officer), SignatureDelegatedTo: Delegate));

        Assert.Equal(RejectionCode.DelegationWithoutApproval, Assert.IsType<RoundDecision.Rejected>(refused).Code);
    }

    [Fact]
    public void The_register_says_what_authority_each_decision_and_signature_was_taken_under()
    {
        var officer = new Actor("Kai Brennan", "kai@ecfws.example", ActorRole.Officer);
        var byOfficer = new RecordedDecision(DecisionOutcome.Approved, 1, "Director of Public Health", D("2022-06-01"), null, null, null, null, officer, null,
            ActingUnder: "the Scheme of Delegation, paragraph 4.2");
        var inPrinciple = new RecordedDecision(DecisionOutcome.Approved, 1, "Cabinet", D("2022-06-01"), "Minute 23", null, null, null, officer, null, SignatureDelegatedTo: Delegate);

        Assert.Equal("Director of Public Health, acting under the Scheme of Delegation, paragraph 4.2", byOfficer.Authority);
        Assert.Equal("Director of Public Health's decision of 1 June 2022", byOfficer.SignatureAuthority);
        Assert.Equal("the Cabinet Member for Health and Wellbeing, under the delegation by Cabinet on 1 June 2022", inPrinciple.SignatureAuthority);
        Assert.True(byOfficer.SignableBy("Anyone at all"));
        Assert.False(inPrinciple.SignableBy("Cabinet Member for Adult Social Care"));
    }
}
