using SignOff.Core.Rounds;
using SignOff.Storage.Execution;
using SignOff.Storage.Rounds;

namespace SignOff.Host.Commands;

/// <summary>The round engine over SignOff's own table store, runner and sweepers (the engine being retired).</summary>
public sealed class TableRoundEngine(RoundRunner runner, TableRoundStore store, Workers workers) : IRoundEngine
{
    public Task<RoundDecision> RunAsync(string roundId, Func<RoundState?, RoundTrigger> make, CancellationToken cancellationToken) =>
        runner.RunAsync(roundId, make, cancellationToken);

    public async Task<RoundState?> LoadAsync(string roundId, CancellationToken cancellationToken) =>
        (await store.LoadAsync(roundId, cancellationToken))?.State;

    public async Task<int> FireDueTimersAsync(bool clockMoved, CancellationToken cancellationToken)
    {
        var fired = 0;
        for (int batch; (batch = await workers.SweepTimersAsync(100, cancellationToken)) > 0 && fired < 10_000;)
        {
            fired += batch;
        }

        return fired;
    }
}
