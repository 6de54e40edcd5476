using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;
using SignOff.Testing;

namespace SignOff.Core.Tests.Rounds;

public sealed class RoundDigestTests
{
    [Fact]
    public void A_digest_counts_partners_and_names_those_needing_attention()
    {
        var round = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30"))
            .Partner("Maldon District Council", Routes.FullCouncil, meeting: D("2021-08-10"))
            .Partner("Chelmsford City Council", Routes.Cabinet, dueBy: D("2021-07-09"))
            .Partner("Farleigh Hospice", Routes.CharityBoard, meeting: D("2021-07-20"))
            .Partner("Provide CIC", Routes.CharityBoard)
            .Build(), At(2021, 6, 1));
        round.AdvanceTo(At(2021, 7, 12));
        round.Decide("Provide CIC", DecisionOutcome.ApprovedWithConditions, conditions: "A seat on the board");

        var digest = RoundDigest.Of(round.State, D("2021-07-12"));

        Assert.Equal(4, digest.Partners);
        Assert.Equal(0, digest.Signed);
        Assert.Equal(0.0, digest.Progress);
        Assert.Equal(["Chelmsford City Council"], digest.Overdue.Select(l => l.Name));
        Assert.Equal(["Farleigh Hospice"], digest.UpcomingMeetings.Select(l => l.Name));
        var pending = Assert.Single(digest.ConditionsPending);
        Assert.Equal("A seat on the board", pending.Detail);
        Assert.Equal(2, digest.ByStatus[PartnerStatus.Scheduled]);
        Assert.Equal(1, digest.ByStatus[PartnerStatus.Invited]);
        Assert.Equal(1, digest.ByStatus[PartnerStatus.ApprovedWithConditions]);
    }
}
