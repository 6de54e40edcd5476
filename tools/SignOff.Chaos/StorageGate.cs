using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SignOff.Chaos;

/// <summary>
/// A byte-for-byte TCP relay between the host and Azurite's table and queue endpoints that can
/// hold back the background workers' reads while a restarted host's clock is being set.
/// </summary>
/// <remarks>
/// <para>Why it exists: the host's development clock lives in memory, so a restarted host starts
/// on real time, and its workers sweep at once — firing every timer due before today's date,
/// and claiming effects and leasing webhook deliveries with timestamps years ahead of the round
/// clock (which would then look held for years once the clock is set back). Nothing the run can
/// send over HTTP reaches the host before that first sweep.</para>
/// <para>So while the gate is closed, the relay holds requests that only the workers make — queue
/// receives (<c>GET …/messages</c>) and reads of the webhook due index — and passes everything
/// else (start-up table creation, the readiness check, the clock endpoint's own sweep). The
/// worker loops wait on their first read; the run sets the clock, then opens the gate. Requests
/// are parsed only far enough to find where each one starts (request line, Content-Length); the
/// bytes are relayed unchanged, so shared-key signatures still verify.</para>
/// </remarks>
internal sealed class StorageGate : IAsyncDisposable
{
    private readonly List<TcpListener> listeners = [];
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> loops = [];
    private readonly bool enabled;
    private TaskCompletionSource open = NewOpen();
    private long held;

    private StorageGate(bool enabled) => this.enabled = enabled;

    /// <summary>The connection string the host uses: tables and queues through the relay, blobs direct.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>How many requests were held back until a clock was set.</summary>
    public long Held => Interlocked.Read(ref held);

    /// <summary>Starts the relay; when not <paramref name="enabled"/>, the host is given Azurite directly and nothing is relayed.</summary>
    public static StorageGate Start(string connectionString, bool enabled)
    {
        var gate = new StorageGate(enabled);
        if (!enabled)
        {
            gate.ConnectionString = connectionString;
            gate.Open();
            return gate;
        }

        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToList();
        var rewritten = new List<string>();
        foreach (var part in parts)
        {
            if (part.Length == 2 && part[0] is "TableEndpoint" or "QueueEndpoint")
            {
                var upstream = new Uri(part[1]);
                var port = gate.Listen(new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port));
                rewritten.Add($"{part[0]}=http://127.0.0.1:{port}{upstream.AbsolutePath}");
            }
            else
            {
                rewritten.Add(string.Join('=', part));
            }
        }

        gate.ConnectionString = string.Join(';', rewritten) + ";";
        gate.Open();
        return gate;
    }

    /// <summary>Holds workers' reads from now on (before a host starts).</summary>
    public void Close()
    {
        if (enabled && open.Task.IsCompleted)
        {
            open = NewOpen();
        }
    }

    /// <summary>Lets held and future reads through.</summary>
    public void Open() => open.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        foreach (var listener in listeners)
        {
            listener.Stop();
        }

        Open();
        await Task.WhenAll(loops.Select(l => l.ContinueWith(_ => { }, TaskScheduler.Default)));
        stop.Dispose();
    }

    private static TaskCompletionSource NewOpen() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int Listen(IPEndPoint upstream)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        listeners.Add(listener);
        loops.Add(AcceptAsync(listener, upstream));
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task AcceptAsync(TcpListener listener, IPEndPoint upstream)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => RelayAsync(client, upstream));
        }
    }

    private async Task RelayAsync(TcpClient client, IPEndPoint upstream)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                client.NoDelay = true;
                server.NoDelay = true;
                await server.ConnectAsync(upstream, stop.Token);
                var fromClient = client.GetStream();
                var toServer = server.GetStream();
                var down = toServer.CopyToAsync(fromClient, stop.Token);
                var up = ForwardRequestsAsync(fromClient, toServer);
                await Task.WhenAny(up, down);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A killed host, or Azurite closing an idle connection: the other side sees the close.
            }
        }
    }

    /// <summary>Relays requests one at a time, holding the workers' reads while the gate is closed.</summary>
    private async Task ForwardRequestsAsync(Stream client, Stream server)
    {
        var buffer = new byte[64 * 1024];
        var count = 0;
        while (true)
        {
            int end;
            while ((end = HeadEnd(buffer, count)) < 0)
            {
                if (count == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var n = await client.ReadAsync(buffer.AsMemory(count), stop.Token);
                if (n == 0)
                {
                    return;
                }

                count += n;
            }

            var head = Encoding.ASCII.GetString(buffer, 0, end);
            var lines = head.Split("\r\n");
            var request = lines[0].Split(' ');
            long length = 0;
            var chunked = false;
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    continue;
                }

                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    length = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    chunked = true;
                }
            }

            if (request.Length >= 2 && WorkersOnly(request[0], request[1]) && !open.Task.IsCompleted)
            {
                Interlocked.Increment(ref held);
                await open.Task.WaitAsync(stop.Token);
            }

            if (chunked)
            {
                // Not sent by the Azure SDK; relay the rest of the connection unparsed rather than guess.
                await server.WriteAsync(buffer.AsMemory(0, count), stop.Token);
                await client.CopyToAsync(server, stop.Token);
                return;
            }

            var headLength = end + 4;
            await server.WriteAsync(buffer.AsMemory(0, headLength), stop.Token);
            Consume(buffer, ref count, headLength);
            var take = (int)Math.Min(length, count);
            await server.WriteAsync(buffer.AsMemory(0, take), stop.Token);
            Consume(buffer, ref count, take);
            length -= take;
            while (length > 0)
            {
                var n = await client.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)), stop.Token);
                if (n == 0)
                {
                    return;
                }

                await server.WriteAsync(buffer.AsMemory(0, n), stop.Token);
                length -= n;
            }
        }
    }

    /// <summary>Reads only the background workers make: queue receives and the webhook due index.</summary>
    private static bool WorkersOnly(string method, string target) =>
        method == "GET" && (target.Contains("/messages", StringComparison.Ordinal) || target.Contains("webhookdue", StringComparison.Ordinal));

    private static int HeadEnd(byte[] buffer, int count)
    {
        for (var i = 0; i + 3 < count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private static void Consume(byte[] buffer, ref int count, int used)
    {
        Buffer.BlockCopy(buffer, used, buffer, 0, count - used);
        count -= used;
    }
}
