using System.Diagnostics.Metrics;
using SignOff.Storage;

namespace SignOff.Bench;

/// <summary>Listens to <c>signoff.storage.requests</c> — the pipeline policy on every Azure SDK client — and keeps totals by service.</summary>
public sealed class StorageMeter : IDisposable
{
    private readonly MeterListener listener = new();
    private long table;
    private long queue;
    private long blob;

    public StorageMeter()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Telemetry.Name && instrument.Name == "signoff.storage.requests")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key != "service")
                {
                    continue;
                }

                switch (tag.Value as string)
                {
                    case "table": Interlocked.Add(ref table, value); break;
                    case "queue": Interlocked.Add(ref queue, value); break;
                    case "blob": Interlocked.Add(ref blob, value); break;
                }
            }
        });
        listener.Start();
    }

    public sealed record Counts(long Table, long Queue, long Blob)
    {
        public long Total => Table + Queue + Blob;

        public static Counts operator -(Counts a, Counts b) => new(a.Table - b.Table, a.Queue - b.Queue, a.Blob - b.Blob);
    }

    public Counts Now => new(Interlocked.Read(ref table), Interlocked.Read(ref queue), Interlocked.Read(ref blob));

    public void Dispose() => listener.Dispose();
}
