using SignOff.Core.Calendar;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;
using SignOff.Testing;

namespace SignOff.Core.Tests.Rounds;

public sealed class RoundPlannerTests
{
    private static RoundPlan PlanExample(string file, string launch)
    {
        var definition = RoundDefinitionParser.Parse(Workflows.Read("examples", file), D(launch), Workflows.Routes).Definition!;
        return RoundPlanner.Plan(definition, LondonTime.At(D(launch), new TimeOnly(12, 0)), BankHolidays.Embedded);
    }

    [Fact]
    public void A_cabinet_meeting_is_authorised_the_day_after_call_in_ends()
    {
        var plan = PlanExample("mid-essex-alliance-mou.yaml", "2021-05-04");

        var braintree = plan.Partners.Single(p => p.Partner == "Braintree District Council");
        Assert.Equal(D("2021-06-21"), braintree.EarliestDecisionOn);
        Assert.Equal(D("2021-06-28"), braintree.CallInEndsOn);
        Assert.Equal(D("2021-06-29"), braintree.EarliestAuthorisationOn);
        Assert.False(braintree.LateForDueDate);
    }

    [Fact]
    public void Reminders_are_listed_then_the_first_overdue_one()
    {
        var plan = PlanExample("mid-essex-alliance-mou.yaml", "2021-05-04");

        var essex = plan.Partners.Single(p => p.Partner == "Essex County Council");
        Assert.Equal(
            [new PlannedReminder(D("2021-07-09"), false), new PlannedReminder(D("2021-07-16"), false), new PlannedReminder(D("2021-07-21"), false), new PlannedReminder(D("2021-07-26"), true)],
            essex.Reminders);
    }

    [Fact]
    public void The_earliest_effective_date_is_the_last_partner_s_earliest_authorisation()
    {
        var plan = PlanExample("mid-essex-alliance-mou.yaml", "2021-05-04");

        Assert.Equal(D("2021-07-28"), plan.EarliestEffectiveOn);
        Assert.Equal(plan.Partners.Max(p => p.EarliestAuthorisationOn), plan.EarliestEffectiveOn);
    }

    [Fact]
    public void A_partner_whose_call_in_runs_past_its_due_date_is_flagged_late()
    {
        var plan = PlanExample("sefton-place-collaboration-agreement.yaml", "2022-06-01");

        var sefton = plan.Partners.Single(p => p.Partner == "Sefton Metropolitan Borough Council");
        Assert.Equal(D("2022-09-08"), sefton.CallInEndsOn);
        Assert.False(sefton.LateForDueDate);

        var late = RoundPlanner.Plan(
            new RoundDefinitionBuilder().Deadline(D("2022-09-05")).Partner("Sefton Metropolitan Borough Council", Routes.Cabinet, meeting: D("2022-09-01")).Build(),
            LondonTime.At(D("2022-06-01"), new TimeOnly(12, 0)), BankHolidays.Embedded);
        Assert.True(Assert.Single(late.Partners).LateForDueDate);
        Assert.Equal(D("2022-09-09"), late.EarliestEffectiveOn);
    }
}
