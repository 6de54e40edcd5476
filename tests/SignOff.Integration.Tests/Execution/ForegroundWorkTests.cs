using SignOff.Storage.Execution;

namespace SignOff.Integration.Tests.Execution;

public sealed class ForegroundWorkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Background_lanes_give_way_during_a_burst_of_requests_and_lane_zero_never_does()
    {
        var foreground = new ForegroundWork();
        Assert.True(foreground.GiveWayAsync(1, Ct).AsTask().IsCompleted); // nothing in flight

        // One request at a time is an ordinary day: nobody waits.
        var requests = new List<ForegroundWork.Scope> { foreground.Enter() };
        Assert.False(foreground.Busy);
        while (requests.Count < ForegroundWork.BusyAt)
        {
            requests.Add(foreground.Enter());
        }

        Assert.True(foreground.Busy);
        Assert.True(foreground.GiveWayAsync(0, Ct).AsTask().IsCompleted); // the first lane always runs
        var lane1 = foreground.GiveWayAsync(1, Ct).AsTask();
        await Task.Delay(300, Ct);
        Assert.False(lane1.IsCompleted);

        requests[0].Dispose();
        await lane1.WaitAsync(TimeSpan.FromSeconds(5), Ct); // resumes as soon as the burst thins
        Assert.False(foreground.Busy);
        requests.Skip(1).ToList().ForEach(r => r.Dispose());
    }
}
