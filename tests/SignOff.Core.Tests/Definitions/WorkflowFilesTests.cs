using System.Text.Json;
using SignOff.Core.Definitions;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;
using SignOff.Testing;

namespace SignOff.Core.Tests.Definitions;

/// <summary>The files shipped in workflows/ are valid and agree with the parser.</summary>
public sealed class WorkflowFilesTests
{
    [Theory]
    [InlineData("cabinet-member", GovernanceKind.IndividualDecision, 5)]
    [InlineData("cabinet", GovernanceKind.Meeting, 5)]
    [InlineData("cabinet-10-day-call-in", GovernanceKind.Meeting, 10)]
    [InlineData("full-council", GovernanceKind.Meeting, 0)]
    [InlineData("nhs-trust-board", GovernanceKind.Meeting, 0)]
    [InlineData("icb-board", GovernanceKind.Meeting, 0)]
    [InlineData("charity-board", GovernanceKind.Meeting, 0)]
    [InlineData("university-council", GovernanceKind.Meeting, 0)]
    [InlineData("delegated-officer", GovernanceKind.DelegatedOfficer, 0)]
    public void Governance_routes(string id, GovernanceKind kind, int callIn)
    {
        Assert.True(Workflows.Routes.TryGet(id, out var route));
        Assert.Equal(kind, route.Kind);
        Assert.Equal(callIn, route.CallInClearWorkingDays);
        Assert.False(string.IsNullOrWhiteSpace(route.Description));
    }

    [Theory]
    [InlineData("mid-essex-alliance-mou.yaml", "2021-05-04", 19)]
    [InlineData("sefton-place-collaboration-agreement.yaml", "2022-06-01", 11)]
    public void Example_rounds_parse_without_problems(string file, string launch, int partners)
    {
        var result = RoundDefinitionParser.Parse(Workflows.Read("examples", file), D(launch), Workflows.Routes);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
        Assert.Equal(partners, result.Definition!.Partners.Count);
    }

    [Fact]
    public void A_broken_route_file_stops_start_up_with_every_problem()
    {
        var ex = Assert.Throws<GovernanceRouteException>(() => GovernanceRouteCatalog.Parse(
        [
            ("bad", "name: Bad\nkind: committee\ncallInClearWorkingDays: -1\ncolour: red\n"),
        ]));

        Assert.Equal(
            string.Join(Environment.NewLine,
                "Invalid governance routes:",
                "bad: unknown field 'colour'",
                "bad: kind must be individual-decision, meeting or delegated-officer",
                "bad: callInClearWorkingDays must be a whole number from 0 to 30"),
            ex.Message);
    }

    [Fact]
    public void A_broken_route_file_names_the_line_and_column_of_a_syntax_error()
    {
        var ex = Assert.Throws<GovernanceRouteException>(() => GovernanceRouteCatalog.Parse([("bad", "name: Bad\nkind: meeting\n\tdescription: tabbed\n")]));

        Assert.EndsWith($"{Environment.NewLine}bad: line 3, column 1: not valid YAML: line 3 is indented with a tab; indent with spaces", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_schema_names_exactly_the_fields_the_parser_accepts()
    {
        using var schema = JsonDocument.Parse(Workflows.Read("round.schema.json"));
        var root = schema.RootElement;
        string[] Props(JsonElement e) => [.. e.GetProperty("properties").EnumerateObject().Select(p => p.Name)];
        var defs = root.GetProperty("$defs");

        Assert.Equal(["agreement", "round", "coordinator", "partners"], Props(root));
        Assert.Equal(["title", "reference", "review", "notice"], Props(root.GetProperty("properties").GetProperty("agreement")));
        var round = root.GetProperty("properties").GetProperty("round");
        Assert.Equal(["deadline", "calendar", "reminders", "digest", "chairs", "counterparts"], Props(round));
        Assert.Equal(["before", "overdueEvery"], Props(round.GetProperty("properties").GetProperty("reminders")));
        Assert.Equal(["schedule", "day"], Props(round.GetProperty("properties").GetProperty("digest")));
        Assert.Equal(["review"], Props(round.GetProperty("properties").GetProperty("counterparts")));
        Assert.Equal(["name", "email"], Props(defs.GetProperty("person")));
        Assert.Equal(["name", "officer", "governance", "dueBy"], Props(defs.GetProperty("partner")));
        Assert.Equal(["route", "meeting", "calendar", "body"], Props(defs.GetProperty("partner").GetProperty("properties").GetProperty("governance")));

        // Every field the schema names is accepted: a document using all of them parses cleanly.
        var all = RoundDefinitionParser.Parse(Workflows.Read("examples", "mid-essex-alliance-mou.yaml"), D("2021-05-04"), Workflows.Routes);
        Assert.DoesNotContain(all.Problems, p => p.Message.StartsWith("unknown field", StringComparison.Ordinal));
        var reviewed = RoundDefinitionParser.Parse(Workflows.Read("examples", "sefton-place-collaboration-agreement.yaml"), D("2022-05-04"), Workflows.Routes);
        Assert.DoesNotContain(reviewed.Problems, p => p.Message.StartsWith("unknown field", StringComparison.Ordinal));
        Assert.Equal(CounterpartReview.Unverified, reviewed.Definition?.CounterpartReview);
        Assert.Equal(new SignOff.Core.Agreements.ReviewCycle.Every(6, D("2022-07-01")), reviewed.Definition?.Reviews);
        Assert.Equal((SignOff.Core.Agreements.ReviewCycle.Annual, SignOff.Core.Agreements.NoticePeriod.Default), (all.Definition?.Reviews, all.Definition?.Notice));
    }
}
