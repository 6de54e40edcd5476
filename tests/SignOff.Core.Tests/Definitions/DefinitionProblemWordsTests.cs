using SignOff.Core.Definitions;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Definitions;

public sealed class DefinitionProblemWordsTests
{
    private const string Definition = """
        agreement: { title: T, reference: R }
        round:
          deadline: 31/07/2021
          chairs: [ { name: Pat Morgan, email: pat@ } ]
        coordinator: { name: P, email: p@x.example }
        partners:
          - { name: Maldon District Council, officer: { name: Jo Bloggs, email: jo@maldon.example }, governance: { route: full-council } }
          - { name: Chelmsford City Council, officer: { name: Sam Smith, email: jo@ }, governance: { route: cabinet-membr } }
          - { name: Braintree District Council, officer: { name: Lee Ellis }, governance: { meeting: 2021-06-21 } }
        """;

    private static List<DefinitionProblem> Problems(string text) =>
        RoundDefinitionParser.Parse(text, D("2021-05-04"), Workflows.Routes).Errors.ToList();

    [Fact]
    public void On_the_form_problems_name_the_row_and_say_what_to_do()
    {
        var words = Problems(Definition).Select(p => DefinitionProblemWords.Describe(p)).ToList();

        Assert.Equal(
        [
            "The deadline must be a real date",
            "Chair 1: 'pat@' is not an email address",
            "Partner 2: 'jo@' is not an email address",
            "Partner 2, the governance route: unknown governance route 'cabinet-membr'; known routes are: cabinet, cabinet-10-day-call-in, cabinet-member, charity-board, company-board, delegated-officer, full-council, icb-board, nhs-trust-board, university-council",
            "Partner 3: the officer's email is missing",
            "Partner 3: choose a governance route",
        ], words);
    }

    [Fact]
    public void For_an_uploaded_file_partners_are_named_and_dates_get_their_format()
    {
        var problems = Problems(Definition);

        Assert.Equal("The deadline must be a real date, written as YYYY-MM-DD (not '31/07/2021')", DefinitionProblemWords.Describe(problems[0], Definition));
        Assert.Equal("Partner 2 (Chelmsford City Council): 'jo@' is not an email address", DefinitionProblemWords.Describe(problems[2], Definition));
        Assert.Equal("Partner 3 (Braintree District Council): choose a governance route", DefinitionProblemWords.Describe(problems[5], Definition));
    }

    [Fact]
    public void Missing_top_level_values_ask_for_them()
    {
        var problems = Problems("""
            agreement: { reference: R }
            round: { chairs: [ { name: C, email: c@x.example } ] }
            coordinator: { name: P }
            """);

        Assert.Equal(["Add at least one partner", "Enter the agreement's title", "Enter the deadline", "Enter the coordinator's email"],
            problems.Select(p => DefinitionProblemWords.Describe(p)));
    }

    [Fact]
    public void Roster_and_syntax_problems_keep_their_line_and_say_where()
    {
        var roster = new List<DefinitionProblem>();
        RosterReader.Read("organisation,officer name,officer email,governance route\nMaldon District Council,Jo Bloggs,,full-council\n", Workflows.Routes, roster);
        var syntax = Problems("agreement: { title: T\nround: x\n");

        Assert.Equal("Roster line 2: the officer's email is missing", DefinitionProblemWords.Describe(Assert.Single(roster)));
        Assert.StartsWith("The definition: this is not valid YAML or JSON: ", DefinitionProblemWords.Describe(Assert.Single(syntax), "agreement: { title: T\nround: x\n"), StringComparison.Ordinal);
        Assert.NotNull(syntax[0].Line);
    }
}
