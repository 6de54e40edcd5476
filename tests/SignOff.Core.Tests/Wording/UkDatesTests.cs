using SignOff.Core.Wording;

namespace SignOff.Core.Tests.Wording;

/// <summary>Dates for people: British order and month names, London time, "—" for a date not known.</summary>
public sealed class UkDatesTests
{
    [Fact]
    public void Dates_are_written_the_British_way()
    {
        var date = new DateOnly(2027, 3, 3);

        Assert.Equal("3 March 2027", UkDates.Long(date));
        Assert.Equal("Wednesday 3 March 2027", UkDates.WithWeekday(date));
        Assert.Equal("3 Mar 2027", UkDates.Short(date));
        Assert.Equal("—", UkDates.Long((DateOnly?)null));
        Assert.Equal("—", UkDates.Short(null));
    }

    [Fact]
    public void Instants_are_written_in_London_time_or_marked_UTC()
    {
        Assert.Equal("3 March 2027, 9:30am", UkDates.InLondon(new DateTimeOffset(2027, 3, 3, 9, 30, 0, TimeSpan.Zero)));
        Assert.Equal("1 July 2027, 2:05pm", UkDates.InLondon(new DateTimeOffset(2027, 7, 1, 13, 5, 0, TimeSpan.Zero)));
        Assert.Equal("2 August 2021 09:30 UTC", UkDates.InUtc(new DateTimeOffset(2021, 8, 2, 10, 30, 0, TimeSpan.FromHours(1))));
    }
}
