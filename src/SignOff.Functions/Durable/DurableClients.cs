using Microsoft.DurableTask.Client;

namespace SignOff.Functions.Durable;

/// <summary>
/// The Durable client of the invocation in hand, for the seams SignOff's code reaches the
/// workflow through (<see cref="DurableClientRoundEngine"/>, <see cref="DurableClientWebhookRuns"/>).
/// </summary>
/// <remarks>
/// Durable Functions hands a client to a function through its <c>[DurableClient]</c> binding, per
/// invocation; SignOff's endpoint and effect code asks for a round engine instead. Each function
/// puts its client here for the length of its call (flowing with the async call, as
/// <c>HttpContextAccessor</c> does), and the seams take it from here.
/// </remarks>
public sealed class DurableClients
{
    private readonly AsyncLocal<DurableTaskClient?> current = new();

    /// <summary>The client of the function being run.</summary>
    /// <exception cref="InvalidOperationException">Called outside a function that bound a Durable client.</exception>
    public DurableTaskClient Current =>
        current.Value ?? throw new InvalidOperationException("No Durable client in this call: the function must bind one with [DurableClient] and pass it to DurableClients.Use.");

    /// <summary>Makes <paramref name="client"/> the current one until the returned scope is disposed.</summary>
    public IDisposable Use(DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var previous = current.Value;
        current.Value = client;
        return new Scope(this, previous);
    }

    private sealed class Scope(DurableClients owner, DurableTaskClient? previous) : IDisposable
    {
        public void Dispose() => owner.current.Value = previous;
    }
}
