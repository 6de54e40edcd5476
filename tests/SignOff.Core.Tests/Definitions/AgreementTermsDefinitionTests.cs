using SignOff.Core.Agreements;
using SignOff.Core.Definitions;
using SignOff.Core.Tests.Support;
using SignOff.Testing;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Definitions;

/// <summary>
/// The terms the agreement is kept to once in force — its review cycle and notice period — as a
/// definition states them, read, refused at the field, and kept by the round for its register.
/// </summary>
public sealed class AgreementTermsDefinitionTests
{
    private static string Definition(string terms) => $$"""
        agreement:
          title: Test Alliance MoU
          reference: TEST-MOU
        {{terms}}
        round: { deadline: 2021-07-30 }
        coordinator: { name: Programme Office, email: office@alliance.example }
        partners:
          - { name: Maldon District Council, officer: { name: Jo Bloggs, email: jo@maldon.example }, governance: { route: full-council } }
        """;

    private static DefinitionResult Parse(string terms) => RoundDefinitionParser.Parse(Definition(terms), D("2021-05-04"), Workflows.Routes);

    public static TheoryData<string, ReviewCycle?> Cycles => new()
    {
        { "", null },
        { "  review: annually", ReviewCycle.Annual },
        { "  review: every 6 months", new ReviewCycle.Every(6) },
        { "  review: six-monthly", new ReviewCycle.Every(6) },
        { "  review: 2 years", new ReviewCycle.Every(24) },
        { "  review: { every: 6 months, from: 2022-07-01 }", new ReviewCycle.Every(6, D("2022-07-01")) },
    };

    [Theory]
    [MemberData(nameof(Cycles))]
    public void A_review_cycle_is_read_in_the_words_partnerships_use(string terms, ReviewCycle? expected)
    {
        var result = Parse(terms);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(expected, result.Definition!.Reviews);
    }

    [Fact]
    public void Review_dates_are_read_in_order_and_notice_in_calendar_or_operational_days()
    {
        var result = Parse("  review: { on: [2024-03-31, 2023-03-31] }\n  notice: 20 operational days");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal([D("2023-03-31"), D("2024-03-31")], Assert.IsType<ReviewCycle.OnDates>(result.Definition!.Reviews).Dates);
        Assert.Equal(new NoticePeriod(20, NoticeUnit.OperationalDays), result.Definition.Notice);
        Assert.Equal(new NoticePeriod(45, NoticeUnit.CalendarDays), Parse("  notice: 45 days").Definition!.Notice);
        Assert.Null(Parse("").Definition!.Notice); // the default, 30 days, applies
    }

    [Theory]
    [InlineData("  review: now and then", "agreement.review", "'now and then' is not a review cycle")]
    [InlineData("  review: { every: fortnightly }", "agreement.review.every", "'fortnightly' is not an interval")]
    [InlineData("  review: { every: 6 months, on: [2023-03-31] }", "agreement.review", "either every (with an optional from) or on, not both")]
    [InlineData("  review: { on: [2023-31-03] }", "agreement.review.on[0]", "'2023-31-03' is not a date")]
    [InlineData("  notice: a month", "agreement.notice", "'a month' is not a notice period")]
    [InlineData("  review: { each: year }", "agreement.review.each", "unknown field 'each'")]
    public void A_term_that_cannot_be_read_is_refused_at_its_field_with_its_line(string terms, string field, string message)
    {
        var result = Parse(terms);

        var problem = Assert.Single(result.Errors, p => p.Field == field);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.Equal(4, problem.Line);
    }

    [Fact]
    public void The_round_keeps_the_terms_for_the_register_and_a_round_launched_before_them_reads_as_no_cycle_and_thirty_days()
    {
        var definition = Parse("  review: { every: 6 months, from: 2022-07-01 }\n  notice: 20 operational days").Definition!;
        var round = Started(definition, At(2021, 6, 1));

        Assert.Equal((new ReviewCycle.Every(6, D("2022-07-01")), new NoticePeriod(20, NoticeUnit.OperationalDays)), (round.State.Reviews, round.State.Notice));

        var before = Started(new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Maldon District Council").Build(), At(2021, 6, 1));
        Assert.Equal(((ReviewCycle?)null, NoticePeriod.Default), (before.State.Reviews, before.State.Notice));
    }

    [Fact]
    public void Terms_written_and_read_back_are_the_same_terms()
    {
        foreach (var terms in new[] { "  review: { every: 6 months, from: 2022-07-01 }\n  notice: 20 operational days", "  review: { on: [2023-03-31, 2024-03-31] }", "  review: annually" })
        {
            var first = Parse(terms).Definition!;
            var again = RoundDefinitionParser.Parse(RoundDefinitionWriter.Write(first), D("2021-05-04"), Workflows.Routes);

            Assert.True(again.IsValid, string.Join("\n", again.Problems));
            Assert.Equal((first.Reviews, first.Notice ?? NoticePeriod.Default), (again.Definition!.Reviews, again.Definition.Notice ?? NoticePeriod.Default));
        }
    }

    [Fact]
    public void The_terms_read_as_one_sentence()
    {
        Assert.Equal("Reviewed every 6 months from 1 July 2022. A party leaving gives 30 days' notice.", TermsWords.Of(new ReviewCycle.Every(6, D("2022-07-01")), null));
        Assert.Equal("Reviewed annually. A party leaving gives 20 operational days' notice.", TermsWords.Of(ReviewCycle.Annual, new NoticePeriod(20, NoticeUnit.OperationalDays)));
        Assert.Equal("No review cycle. A party leaving gives 30 days' notice.", TermsWords.Of(null, NoticePeriod.Default));
    }
}
