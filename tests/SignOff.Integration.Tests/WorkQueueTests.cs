using System.Security.Cryptography;
using SignOff.Core.Rounds;
using SignOff.Storage.Execution;

namespace SignOff.Integration.Tests;

/// <summary>The work queues against real Azurite queues.</summary>
public sealed class WorkQueueTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<WorkQueue<TriggerMessage>> NewQueueAsync()
    {
        var name = "q" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        var queue = azurite.Clients.Queues.GetQueueClient(name);
        var poison = azurite.Clients.Queues.GetQueueClient(name + "-poison");
        await queue.CreateIfNotExistsAsync(cancellationToken: Ct);
        await poison.CreateIfNotExistsAsync(cancellationToken: Ct);
        return new WorkQueue<TriggerMessage>(queue, poison, visibilityTimeout: TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_message_that_keeps_failing_goes_to_the_poison_queue_after_the_bounded_number_of_tries()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync(new TriggerMessage("round-1", FireTimer.For("reminder:p:20210716")), cancellationToken: Ct);

        var attempts = 0;
        for (var i = 0; i < 20 && await queue.PoisonCountAsync(Ct) == 0; i++)
        {
            // Take it and "fail": never complete, so it comes back after the visibility timeout.
            attempts += (await queue.ReceiveAsync(1, Ct)).Count;
            await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);
        }

        Assert.Equal(WorkQueue<TriggerMessage>.MaxDequeueCount, attempts);
        Assert.Equal(1, await queue.PoisonCountAsync(Ct));
        Assert.Empty(await queue.ReceiveAsync(1, Ct));
    }

    [Fact]
    public async Task A_completed_message_is_gone_and_a_trigger_survives_the_round_trip()
    {
        var queue = await NewQueueAsync();
        var trigger = new CancelRound("cancel-1", "Superseded", new Actor("Office", "office@x.example", ActorRole.Coordinator));
        await queue.SendAsync(new TriggerMessage("round-9", trigger), cancellationToken: Ct);

        var delivery = Assert.Single(await queue.ReceiveAsync(5, Ct));
        Assert.Equal(trigger, delivery.Body!.Trigger);
        await queue.CompleteAsync(delivery, Ct);
        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);

        Assert.Empty(await queue.ReceiveAsync(5, Ct));
        Assert.Equal(0, await queue.PoisonCountAsync(Ct));
    }
}
