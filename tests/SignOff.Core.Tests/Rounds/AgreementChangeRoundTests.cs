using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using SignOff.Testing;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Rounds;

/// <summary>A round launched from the register tells the register, when it takes effect, what its counterparts changed.</summary>
public sealed class AgreementChangeRoundTests
{
    private static RoundHarness Launched(AgreementChange change, RoundDefinitionBuilder builder)
    {
        var round = new RoundHarness(At(2022, 9, 1));
        round.Apply(new StartRound("start", "variation-1", builder.Deadline(D("2022-10-31")).Build(), Document("varied draft"), Coordinator, change));
        return round;
    }

    private static RecordInRegister SignEveryone(RoundHarness round)
    {
        foreach (var p in round.State.Partners.ToList())
        {
            round.Decide(p.Name, DecisionOutcome.Approved);
        }

        foreach (var p in round.State.Partners.ToList())
        {
            round.Sign(p.Name);
        }

        Assert.Equal(RoundStatus.Effective, round.State.Status);
        return Assert.Single(round.Effects.OfType<RecordInRegister>());
    }

    [Fact]
    public void A_variation_round_keeps_each_partys_id_and_asks_the_register_to_apply_the_variation()
    {
        var round = Launched(new AgreementChange("mea-mou-abc123", AgreementChangeKind.Variation, 1), new RoundDefinitionBuilder()
            .Partner("Maldon District Council", partyId: "maldon")
            .Partner("Chelmsford City Council", partyId: "chelmsford-city-council-20220301"));

        Assert.Equal(["maldon", "chelmsford-city-council-20220301"], round.State.Partners.Select(p => p.PartnerId));
        Assert.StartsWith("Variation launched: a varied draft of", RoundTimeline.Describe(round.Events[0], id => id)!.Value.Text, StringComparison.Ordinal);
        var record = SignEveryone(round);

        Assert.Equal("mea-mou-abc123", record.AgreementId);
        var vary = Assert.IsType<ApplyVariation>(record.ToTrigger());
        Assert.Equal(("variation-1", record.TriggerId), (vary.RoundId, vary.TriggerId));
        Assert.Equal(["maldon", "chelmsford-city-council-20220301"], vary.Signatories.Select(s => s.PartyId));
        Assert.Equal(round.State.CurrentVersion.Document, vary.Document);
    }

    [Fact]
    public void An_accession_round_asks_the_register_to_admit_its_one_organisation_on_the_version_it_was_launched_against()
    {
        var round = Launched(new AgreementChange("mea-mou-abc123", AgreementChangeKind.Accession, 3), new RoundDefinitionBuilder().Partner("Provide CIC"));

        var admit = Assert.IsType<AdmitParty>(SignEveryone(round).ToTrigger());

        Assert.Equal(("Provide CIC", 3, D("2022-09-01")), (admit.Joiner.Name, admit.SignedVersionOf, admit.JoinedOn));
    }

    [Fact]
    public void A_round_that_makes_an_agreement_opens_it_under_its_own_id()
    {
        var round = new RoundHarness(At(2022, 9, 1));
        round.Apply(new StartRound("start", "mea-mou-abc123", new RoundDefinitionBuilder().Deadline(D("2022-10-31")).Partner("Maldon District Council").Build(),
            Document("draft"), Coordinator));

        var record = SignEveryone(round);

        Assert.Null(round.State.ChangeOf);
        Assert.Equal("mea-mou-abc123", Assert.IsType<OpenAgreement>(record.ToTrigger()).AgreementId);
    }

    [Fact]
    public void An_accession_round_has_exactly_one_partner_and_a_taken_party_id_gives_way()
    {
        var round = new RoundHarness(At(2022, 9, 1));
        var two = new RoundDefinitionBuilder().Deadline(D("2022-10-31")).Partner("Provide CIC").Partner("Farleigh Hospice").Build();

        var refused = Assert.IsType<RoundDecision.Rejected>(round.Try(new StartRound("start", "accession-1", two, Document("draft"), Coordinator,
            new AgreementChange("mea", AgreementChangeKind.Accession, 1))));
        Assert.Equal(RejectionCode.InvalidTrigger, refused.Code);
        Assert.Null(round.State);

        var clash = Launched(new AgreementChange("mea", AgreementChangeKind.Variation, 1), new RoundDefinitionBuilder()
            .Partner("Maldon District Council", partyId: "same").Partner("Chelmsford City Council", partyId: "same"));
        Assert.Equal(["same", "chelmsford-city-council"], clash.State.Partners.Select(p => p.PartnerId));
    }

    [Fact]
    public void A_partner_cannot_be_added_to_a_variation_or_an_accession_round()
    {
        foreach (var kind in new[] { AgreementChangeKind.Variation, AgreementChangeKind.Accession })
        {
            var round = Launched(new AgreementChange("mea", kind, 1), new RoundDefinitionBuilder().Partner("Maldon District Council", partyId: "maldon"));
            var extra = new RoundDefinitionBuilder().Partner("Provide CIC").Build().Partners[0];

            var refused = Assert.IsType<RoundDecision.Rejected>(round.Try(new AddPartner("add-1", extra, Coordinator)));

            Assert.Equal(RejectionCode.PartnersFixedByAgreement, refused.Code);
            Assert.Contains("joins by a round of its own", refused.Message, StringComparison.Ordinal);
            Assert.Single(round.State.Partners);
        }
    }

    [Fact]
    public void The_change_is_stored_with_the_rounds_first_event_and_survives_replay()
    {
        var round = Launched(new AgreementChange("mea", AgreementChangeKind.Variation, 2), new RoundDefinitionBuilder().Partner("Maldon District Council", partyId: "maldon"));

        var stored = System.Text.Json.JsonSerializer.Deserialize<RoundEvent>(System.Text.Json.JsonSerializer.Serialize(round.Events[0], JsonOptions), JsonOptions);

        Assert.Equal(new AgreementChange("mea", AgreementChangeKind.Variation, 2), Assert.IsType<RoundStarted>(stored).ChangeOf);
        Assert.Equal(round.State.ChangeOf, Replay(round.Events)!.ChangeOf);
    }
}
