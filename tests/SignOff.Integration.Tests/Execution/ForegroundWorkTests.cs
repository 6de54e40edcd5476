using SignOff.Storage.Execution;

namespace SignOff.Integration.Tests.Execution;

public sealed class ForegroundWorkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Background_lanes_give_way_while_a_request_is_in_flight_and_lane_zero_never_does()
    {
        var foreground = new ForegroundWork();
        Assert.True(foreground.GiveWayAsync(1, Ct).AsTask().IsCompleted); // nothing in flight

        var request = foreground.Enter();
        Assert.True(foreground.Busy);
        Assert.True(foreground.GiveWayAsync(0, Ct).AsTask().IsCompleted); // the first lane always runs
        var lane1 = foreground.GiveWayAsync(1, Ct).AsTask();
        await Task.Delay(300, Ct);
        Assert.False(lane1.IsCompleted);

        request.Dispose();
        await lane1.WaitAsync(TimeSpan.FromSeconds(5), Ct); // resumes once the request ends (and Quiet passes)
        Assert.False(foreground.Busy);
    }
}
