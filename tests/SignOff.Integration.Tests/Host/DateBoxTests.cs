using SignOff.Host.Commands;
using SignOff.Host.Pages.Shared;

namespace SignOff.Integration.Tests.Host;

/// <summary>Dates on pages are day, month and year boxes; the readers take them joined, and say what is wrong in the spelling the person used.</summary>
public sealed class DateBoxTests
{
    [Theory]
    [InlineData("30 6 2021")]
    [InlineData("30 06 2021")]
    [InlineData("2021-06-30")]
    public void A_date_reads_from_the_boxes_or_from_iso(string typed) =>
        Assert.Equal(new DateOnly(2021, 6, 30), InputReaders.Date(typed, "signedOn", "date it was signed", required: true).Value);

    [Fact]
    public void A_date_that_is_not_real_is_refused_with_an_example_in_the_spelling_used()
    {
        var boxes = Assert.IsType<CommandFailure.Invalid>(InputReaders.Date("31 2 2021", "signedOn", "date it was signed", required: true).FirstFailure);
        var iso = Assert.IsType<CommandFailure.Invalid>(InputReaders.Date("2021-02-31", "signedOn", "date it was signed", required: true).FirstFailure);

        Assert.Equal(("The date it was signed must be a real date, like 30 6 2021.", "signedOn"), (boxes.Detail, boxes.Field));
        Assert.Equal("The date it was signed must be a real date, like 2021-06-30.", iso.Detail);
        Assert.Equal(InputProblem.BadDate, InputReaders.Date("30 6", "signedOn", "date it was signed", required: true).FirstFailure is CommandFailure.Invalid { Problem: var p } ? p : default);
    }

    [Fact]
    public void Boxes_join_and_split_both_ways_and_empty_boxes_are_no_date()
    {
        var posted = new Dictionary<string, string?> { ["signedOn-day"] = "30", ["signedOn-month"] = " 6", ["signedOn-year"] = "2021" };

        Assert.Equal("30 6 2021", DateParts.Join("signedOn", f => posted.GetValueOrDefault(f)));
        Assert.Null(DateParts.Join("decidedOn", f => posted.GetValueOrDefault(f)));
        Assert.Equal(("30", "6", "2021"), DateParts.Split("2021-06-30"));
        Assert.Equal(("30", "6", "2021"), DateParts.Split("30 6 2021"));
        Assert.Null(InputReaders.Date(DateParts.Join("x", _ => ""), "x", "date", required: false).Value);
        Assert.Equal("30 6 2021", new FormValues(posted.ToDictionary(kv => kv.Key, kv => kv.Value!.Trim()))["signedOn"]);
    }
}
