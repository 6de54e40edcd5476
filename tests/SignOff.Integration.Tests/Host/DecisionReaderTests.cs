using SignOff.Core.Rounds;
using SignOff.Host.Commands;

namespace SignOff.Integration.Tests.Host;

/// <summary>One reader for a decision, whichever door it comes through: the same failures at the same fields.</summary>
public sealed class DecisionReaderTests
{
    private static readonly Actor Coordinator = new("Cat Coordinator", "cat@essex.example", ActorRole.Coordinator);
    private static readonly DecisionRules Page = new(EvidenceRequired: true, DecidedOnIfOmitted: null);
    private static readonly DecisionRules Api = new(EvidenceRequired: true, DecidedOnIfOmitted: new DateOnly(2021, 6, 30));

    private static Checked<RecordDecision> Read(DecisionInput input, DecisionRules rules) =>
        DecisionReader.Read(input, rules, "Maldon District Council", "t-1", "maldon-district-council", 2, Coordinator);

    [Fact]
    public void Every_failure_is_typed_at_its_field_in_the_order_of_the_form()
    {
        var input = new DecisionInput("approve-with-conditions", null, "30/06/2021", null, null, null, "soon", null);

        var read = Read(input, Page);

        Assert.False(read.IsValid);
        Assert.Equal(["decidedOn", "conditions", "deferredTo", "evidence"], read.Failures.Select(f => f.Field));
        Assert.Equal([InputProblem.BadDate, InputProblem.MissingDetail, InputProblem.BadDate, InputProblem.MissingDetail],
            read.Failures.Select(f => Assert.IsType<CommandFailure.Invalid>(f).Problem));
        Assert.Throws<InvalidOperationException>(() => read.Value);
    }

    [Fact]
    public void Both_doors_read_the_same_input_the_same_way_except_the_date_a_person_must_give()
    {
        var unknown = new DecisionInput("yes", "Cabinet", "2021-06-01", null, null, null, null, "Minutes");
        Assert.Equal(Read(unknown, Page).Failures, Read(unknown, Api).Failures);
        Assert.Equal(InputProblem.UnknownChoice, Assert.IsType<CommandFailure.Invalid>(Read(unknown, Api).FirstFailure).Problem);
        Assert.Equal("outcome", Read(unknown, Api).FirstFailure!.Field);

        var undated = new DecisionInput("approved", null, null, "FC 45/2021", null, null, null, "Minutes");
        Assert.Equal("decidedOn", Assert.Single(Read(undated, Page).Failures).Field);
        var recorded = Read(undated, Api).Value;
        Assert.Equal(new DateOnly(2021, 6, 30), recorded.DecidedOn);
        Assert.Equal(DecisionOutcome.Approved, recorded.Outcome);
        Assert.Null(recorded.Body); // the core takes the route's body
        Assert.Equal(2, recorded.Version);
    }

    [Fact]
    public void Only_the_details_the_outcome_uses_are_kept()
    {
        var input = new DecisionInput("declined", "Board", "2021-06-01", null, "Some conditions", "Not affordable", "2021-09-01", "Minutes");

        var decision = Read(input, Page).Value;

        Assert.Equal(DecisionOutcome.Declined, decision.Outcome);
        Assert.Equal("Not affordable", decision.Reason);
        Assert.Null(decision.Conditions);
        Assert.Null(decision.DeferredTo);
    }
}
