using SignOff.Core.Definitions;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Definitions;

public sealed class RosterTests
{
    private const string Definition = """
        agreement: { title: T, reference: R }
        round: { deadline: 2021-07-31, chairs: [ { name: C, email: c@x.example } ] }
        coordinator: { name: P, email: p@x.example }
        """;

    private static DefinitionResult Parse(string roster, string definition = Definition) =>
        RoundDefinitionParser.Parse(definition, D("2021-05-04"), Workflows.Routes, roster);

    [Fact]
    public void The_example_roster_gives_the_partners()
    {
        var result = RoundDefinitionParser.Parse(Workflows.Read("examples", "mid-essex-alliance-with-roster.yaml"), D("2021-05-04"), Workflows.Routes,
            Workflows.Read("examples", "mid-essex-alliance-roster.csv"));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(6, result.Definition!.Partners.Count);
        var essex = result.Definition.Partners.Single(p => p.Name == "Essex County Council");
        Assert.Equal("cabinet-member", essex.Governance.Route.Id);
        Assert.Equal(D("2021-07-23"), essex.DueBy);
        Assert.Null(essex.Governance.Meeting);
    }

    [Fact]
    public void Headers_match_ignoring_case_spaces_and_underscores()
    {
        var result = Parse("Organisation,Officer_Name,OFFICER EMAIL,governance-route\nMaldon District Council,Jo Bloggs,jo@maldon.example,full-council\n");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal("Maldon District Council", Assert.Single(result.Definition!.Partners).Name);
    }

    [Fact]
    public void Row_problems_name_the_csv_line_and_column()
    {
        var result = Parse("""
            organisation,officer name,officer email,governance route,meeting date
            Maldon District Council,Jo Bloggs,jo@,full-council,2021-06-30
            ,Sam Smith,sam@essex.example,cabinetx,30/06/2021
            """);

        Assert.Equal(
        [
            "line 2, column 3: roster line 2: officer email: 'jo@' is not a valid email address",
            "line 3, column 1: roster line 3: organisation: is required",
            "line 3, column 4: roster line 3: governance route: unknown governance route 'cabinetx'; known routes are: cabinet, cabinet-10-day-call-in, cabinet-member, charity-board, company-board, delegated-officer, full-council, icb-board, nhs-trust-board, university-council",
            "line 3, column 5: roster line 3: meeting date: '30/06/2021' is not a date; write it as YYYY-MM-DD",
        ], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Missing_columns_are_named()
    {
        var result = Parse("organisation,officer name\nMaldon District Council,Jo Bloggs\n");

        Assert.Equal("line 1: roster line 1: missing column(s): officer email, governance route", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void Duplicates_across_roster_rows_are_caught()
    {
        var result = Parse("organisation,officer name,officer email,governance route\nMaldon District Council,Jo,jo@maldon.example,full-council\nMALDON DISTRICT COUNCIL,Jo,jo@maldon.example,full-council\n");

        Assert.Equal(
        [
            "roster line 3: name: 'MALDON DISTRICT COUNCIL' is listed more than once (first as roster line 2)",
            "roster line 3: officer email: officer email 'jo@maldon.example' is already used by roster line 2 (Maldon District Council); each partner needs its own officer",
        ], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Partners_in_both_the_definition_and_a_roster()
    {
        var result = Parse("organisation,officer name,officer email,governance route\nA,B,b@a.example,cabinet\n",
            Definition + "\npartners:\n  - { name: X, officer: { name: Y, email: y@x.example }, governance: { route: cabinet } }\n");

        Assert.Equal("line 5, column 3: partners: give partners in the definition or in a roster, not both", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void An_empty_roster()
    {
        var result = Parse("");
        Assert.Equal(
            "line 1: roster: the roster is empty; its first line must be the header: organisation, officer name, officer email, governance route, meeting date, due by",
            Assert.Single(result.Problems).ToString());
    }
}
