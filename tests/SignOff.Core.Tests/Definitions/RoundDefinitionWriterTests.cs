using SignOff.Core.Definitions;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Definitions;

public sealed class RoundDefinitionWriterTests
{
    private static DefinitionEntries Entries(params PartnerEntry[] partners) => new(
        "Mid Essex Alliance: MoU #2 \"draft\"", "MEA-MOU-2021", "2021-07-31", "scotland", ["10", "5", "2"], "3", "weekly", "friday", "unverified",
        [new PersonEntry("Pat Morgan (Alliance Chair)", "chair@alliance.example"), PersonEntry.Blank],
        new PersonEntry("Programme Office, Alliance", "office@alliance.example"),
        partners.Length > 0 ? partners : [
            new PartnerEntry("Maldon & District CVS, {Charity}", new PersonEntry("Jo Bloggs", "jo@maldon.example"), "charity-board", "2021-06-17", ""),
            PartnerEntry.Blank,
            new PartnerEntry("Null", new PersonEntry("Sam: Okafor", "sam@essex.example"), "cabinet-member", "", "2021-07-23",
                "https://democracy.essex.example/ical?committee=Cabinet&from=2021#meetings", "Cabinet: Executive # Decisions"),
        ]);

    private static DefinitionResult Parse(string text) => RoundDefinitionParser.Parse(text, D("2021-05-04"), Workflows.Routes);

    [Fact]
    public void Form_values_written_and_parsed_give_the_definition_they_describe_however_awkward_the_text()
    {
        var yaml = RoundDefinitionWriter.Write(Entries());

        var result = Parse(yaml);

        Assert.True(result.IsValid, yaml + "\n" + string.Join("\n", result.Problems));
        var expected = new RoundDefinition(
            new AgreementInfo("Mid Essex Alliance: MoU #2 \"draft\"", "MEA-MOU-2021"), D("2021-07-31"), "scotland",
            new ReminderPolicy([10, 5, 2], 3), new DigestSchedule(DigestFrequency.Weekly, DayOfWeek.Friday),
            [new Person("Pat Morgan (Alliance Chair)", "chair@alliance.example")],
            new Person("Programme Office, Alliance", "office@alliance.example"),
            [
                new PartnerDefinition("Maldon & District CVS, {Charity}", new Person("Jo Bloggs", "jo@maldon.example"),
                    new PartnerGovernance(Route("charity-board"), D("2021-06-17")), null),
                new PartnerDefinition("Null", new Person("Sam: Okafor", "sam@essex.example"), new PartnerGovernance(Route("cabinet-member"), null,
                    new MeetingCalendar("https://democracy.essex.example/ical?committee=Cabinet&from=2021#meetings", "Cabinet: Executive # Decisions")), D("2021-07-23")),
            ],
            CounterpartReview.Unverified);
        Assert.Equivalent(expected, result.Definition, strict: true);
    }

    [Fact]
    public void The_shipped_example_read_written_and_read_again_is_the_same_definition()
    {
        var first = Parse(Workflows.Read("examples", "mid-essex-alliance-mou.yaml"));
        Assert.True(first.IsValid, string.Join("\n", first.Problems));

        var written = RoundDefinitionWriter.Write(first.Definition!);
        var again = Parse(written);

        Assert.True(again.IsValid, written + "\n" + string.Join("\n", again.Problems));
        Assert.Equivalent(first.Definition, again.Definition, strict: true);
        Assert.Equal(19, again.Definition!.Partners.Count);
        Assert.Contains("- name: Maldon & District CVS\n  officer: {name: Alex Trent, email: alex.trent@maldon-cvs.example}\n", written.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Blank_entries_are_left_out_so_the_parser_names_each_missing_field()
    {
        var yaml = RoundDefinitionWriter.Write(Entries(
            new PartnerEntry("Maldon District Council", new PersonEntry("Jo Bloggs", "jo@maldon.example"), "full-council", "", ""),
            new PartnerEntry("Chelmsford City Council", new PersonEntry("Sam Smith", ""), "", "", "")) with { Deadline = "" });

        var result = Parse(yaml);

        Assert.Equal(
            ["partners[1].governance.route", "partners[1].officer.email", "round.deadline"],
            result.Errors.Select(p => p.Field).Order(StringComparer.Ordinal));
        Assert.All(result.Errors, p => Assert.Equal(ProblemKind.Missing, p.Kind));
    }

    private static GovernanceRoute Route(string id) => Workflows.Routes.TryGet(id, out var route) ? route : throw new InvalidOperationException(id);
}
