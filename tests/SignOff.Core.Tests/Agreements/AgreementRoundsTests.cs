using SignOff.Core.Agreements;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using SignOff.Testing;
using static SignOff.Core.Tests.Agreements.AgreementHarness;

namespace SignOff.Core.Tests.Agreements;

/// <summary>The rounds the register launches: a variation to every party bound through its own route, an accession signing the version in force, one at a time.</summary>
public sealed class AgreementRoundsTests
{
    private static readonly DateOnly Deadline = RoundHarness.D("2022-10-31");

    private static RoundState Original() => RoundHarness.Started(new RoundDefinitionBuilder()
        .Deadline(RoundHarness.D("2022-02-28"))
        .Partner("Maldon District Council", Routes.FullCouncil)
        .Partner("Chelmsford City Council", Routes.CabinetMember)
        .Partner("Farleigh Hospice", Routes.CharityBoard)
        .Build(), RoundHarness.At(2022, 1, 3)).State;

    private static AgreementHarness Register() =>
        Opened(RoundHarness.At(2022, 1, 10), Terms(), "Maldon District Council", "Chelmsford City Council", "Farleigh Hospice");

    private static Dictionary<string, PartnerState> BoundBy(RoundState original) => original.Partners.ToDictionary(p => p.PartnerId);

    [Fact]
    public void A_variation_goes_to_every_party_bound_including_one_on_notice_through_the_route_of_the_round_that_bound_it()
    {
        var register = Register();
        register.Apply(new GiveNotice("n1", Id("Farleigh Hospice"), RoundHarness.D("2022-01-10"), null, RoundHarness.Coordinator));
        var original = Original();

        var plan = Assert.IsType<AgreementRoundPlan.Ready>(AgreementRounds.Variation(register.State, original, BoundBy(original), [], Document("v2"), Deadline));

        Assert.Equal(["maldon-district-council", "chelmsford-city-council", "farleigh-hospice"], plan.Definition.Partners.Select(p => p.PartyId));
        Assert.Equal([Routes.FullCouncil.Id, Routes.CabinetMember.Id, Routes.CharityBoard.Id], plan.Definition.Partners.Select(p => p.Governance.Route.Id));
        Assert.Equal("maldon-district-council@party.example", plan.Definition.Partners[0].Officer.Email);
        Assert.Equal(new AgreementChange("mea-mou", AgreementChangeKind.Variation, 1), plan.Change);
        Assert.Equal((Document("v2"), Deadline, register.State.Agreement), (plan.Draft, plan.Definition.Deadline, plan.Definition.Agreement));
    }

    [Fact]
    public void A_party_named_for_another_route_decides_the_variation_by_it_and_the_others_keep_theirs()
    {
        var register = Register();
        var original = Original();
        var lighter = new Dictionary<string, GovernanceRoute> { [Id("Maldon District Council")] = Routes.DelegatedOfficer };

        var plan = Assert.IsType<AgreementRoundPlan.Ready>(AgreementRounds.Variation(register.State, original, BoundBy(original), [], Document("v2"), Deadline, lighter));

        Assert.Equal([Routes.DelegatedOfficer.Id, Routes.CabinetMember.Id, Routes.CharityBoard.Id], plan.Definition.Partners.Select(p => p.Governance.Route.Id));
    }

    [Fact]
    public void A_party_that_has_left_is_not_asked_to_vary_the_agreement()
    {
        var register = Register();
        register.Apply(new GiveNotice("n1", Id("Farleigh Hospice"), RoundHarness.D("2022-01-10"), null, RoundHarness.Coordinator));
        register.AdvanceTo(RoundHarness.At(2022, 3, 1));
        var original = Original();

        var plan = Assert.IsType<AgreementRoundPlan.Ready>(AgreementRounds.Variation(register.State, original, BoundBy(original), [], Document("v2"), Deadline));

        Assert.Equal(["Maldon District Council", "Chelmsford City Council"], plan.Definition.Partners.Select(p => p.Name));
    }

    [Fact]
    public void A_second_variation_is_refused_while_one_goes_round_and_allowed_once_it_is_closed()
    {
        var register = Register();
        var original = Original();
        var first = RoundHarness.Started(new RoundDefinitionBuilder().Deadline(Deadline).Partner("Maldon District Council").Build(), RoundHarness.At(2022, 3, 1));
        var going = first.State with { ChangeOf = new AgreementChange("mea-mou", AgreementChangeKind.Variation, 1) };

        var refused = Assert.IsType<AgreementRoundPlan.Refused>(AgreementRounds.Variation(register.State, original, BoundBy(original), [going], Document("v2"), Deadline));
        Assert.Equal(AgreementRejectionCode.ChangeInFlight, refused.Code);
        Assert.Contains(going.RoundId, refused.Message, StringComparison.Ordinal);

        Assert.IsType<AgreementRoundPlan.Ready>(AgreementRounds.Variation(register.State, original, BoundBy(original),
            [going with { Status = RoundStatus.Cancelled }, going with { ChangeOf = going.ChangeOf! with { AgreementId = "another" } }], Document("v2"), Deadline));
    }

    [Fact]
    public void A_variation_is_refused_when_a_partys_route_is_not_known()
    {
        var register = Register();
        var original = Original();
        var partial = BoundBy(original);
        partial.Remove(Id("Farleigh Hospice"));

        var refused = Assert.IsType<AgreementRoundPlan.Refused>(AgreementRounds.Variation(register.State, original, partial, [], Document("v2"), Deadline));

        Assert.Equal(AgreementRejectionCode.MissingDetail, refused.Code);
        Assert.Contains("Farleigh Hospice", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_joiner_is_asked_to_sign_the_version_in_force_and_a_party_or_a_joiner_already_asked_is_refused()
    {
        var register = Register();
        register.Apply(new ApplyVariation("vary-1", "variation", Document("v2"), RoundHarness.D("2022-01-10"),
            [SignatoryFor("Maldon District Council", 1), SignatoryFor("Chelmsford City Council", 1), SignatoryFor("Farleigh Hospice", 1)]));
        var original = Original();
        var joiner = new PartnerDefinition("Provide CIC", new Person("Pat Jones", "pat@provide.example"), new PartnerGovernance(Routes.CharityBoard, null), null);

        var plan = Assert.IsType<AgreementRoundPlan.Ready>(AgreementRounds.Accession(register.State, original, [], joiner, Deadline));
        Assert.Equal((Document("v2"), 2, AgreementChangeKind.Accession), (plan.Draft, plan.Change.BaseVersion, plan.Change.Kind));
        Assert.Equal(["Provide CIC"], plan.Definition.Partners.Select(p => p.Name));
        Assert.Equal((original.Reminders, original.Digest, register.State.Coordinator), (plan.Definition.Reminders, plan.Definition.Digest, plan.Definition.Coordinator));

        var party = Assert.IsType<AgreementRoundPlan.Refused>(AgreementRounds.Accession(register.State, original, [], joiner with { Name = " farleigh hospice" }, Deadline));
        Assert.Equal(AgreementRejectionCode.DuplicateParty, party.Code);
        var asked = RoundHarness.Started(new RoundDefinitionBuilder().Deadline(Deadline).Partner("Provide CIC").Build(), RoundHarness.At(2022, 3, 1)).State
            with { ChangeOf = new AgreementChange("mea-mou", AgreementChangeKind.Accession, 2) };
        Assert.Equal(AgreementRejectionCode.ChangeInFlight, Assert.IsType<AgreementRoundPlan.Refused>(AgreementRounds.Accession(register.State, original, [asked], joiner, Deadline)).Code);
        Assert.IsType<AgreementRoundPlan.Ready>(AgreementRounds.Accession(register.State, original, [asked], joiner with { Name = "Farleigh Trading Ltd" }, Deadline));
    }

    [Fact]
    public void Nothing_is_launched_on_an_agreement_that_has_ended()
    {
        var register = Opened(RoundHarness.At(2022, 1, 10), Terms(), "Maldon District Council");
        register.Apply(new GiveNotice("n1", Id("Maldon District Council"), RoundHarness.D("2022-01-10"), null, RoundHarness.Coordinator));
        register.AdvanceTo(RoundHarness.At(2022, 3, 1));
        var original = Original();
        var joiner = new PartnerDefinition("Provide CIC", new Person("Pat Jones", "pat@provide.example"), new PartnerGovernance(Routes.CharityBoard, null), null);

        Assert.Equal(AgreementStatus.Ended, register.State.Status);
        Assert.Equal(AgreementRejectionCode.AgreementEnded,
            Assert.IsType<AgreementRoundPlan.Refused>(AgreementRounds.Variation(register.State, original, BoundBy(original), [], Document("v2"), Deadline)).Code);
        Assert.Equal(AgreementRejectionCode.AgreementEnded, Assert.IsType<AgreementRoundPlan.Refused>(AgreementRounds.Accession(register.State, original, [], joiner, Deadline)).Code);
    }
}
