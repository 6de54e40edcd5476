using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SignOff.Chaos;

/// <summary>
/// The SignOff host as a separate OS process: started, SIGKILLed and started again, one log file
/// per generation. Load workers wait on <see cref="WhenReadyAsync"/> between attempts.
/// </summary>
internal sealed class HostUnderTest : IAsyncDisposable
{
    private readonly ChaosOptions options;
    private readonly StorageGate gate;
    private readonly RoundClock clock;
    private readonly HttpClient probe = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Lock gateLock = new();
    private TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? process;
    private StreamWriter? log;
    private int generation;

    public HostUnderTest(ChaosOptions options, StorageGate gate, RoundClock clock)
    {
        this.options = options;
        this.gate = gate;
        this.clock = clock;
        ApiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        BaseUrl = $"http://127.0.0.1:{options.Port.ToString(CultureInfo.InvariantCulture)}";
    }

    public string ApiKey { get; }

    public string BaseUrl { get; }

    /// <summary>Incremented on every start; a request knows which host answered (or failed) it.</summary>
    public int Generation => Volatile.Read(ref generation);

    public bool IsReady => ready.Task.IsCompletedSuccessfully;

    /// <summary>Starts that did not come up (the process exited or never answered) and were tried again.</summary>
    public int FailedStarts { get; private set; }

    /// <summary>Completes when a host is up, its clock set and its workers let through.</summary>
    public Task WhenReadyAsync(CancellationToken ct) => ready.Task.WaitAsync(ct);

    /// <summary>SIGKILL: no graceful stop, no flushing, whatever was in flight is cut off.</summary>
    public TimeSpan Kill()
    {
        lock (gateLock)
        {
            if (ready.Task.IsCompleted)
            {
                ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        if (process is null)
        {
            return TimeSpan.Zero;
        }

        var up = DateTime.Now - process.StartTime;
        try
        {
            process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // It had already exited: that is for the log to tell.
        }

        process.WaitForExit(10_000);
        process.WaitForExit(); // drains the redirected output into the log
        process.Dispose();
        process = null;
        if (log is { } closing)
        {
            lock (closing)
            {
                closing.Dispose();
            }
        }

        log = null;
        return up;
    }

    /// <summary>Starts a host, sets its clock to the run's copy, lets its workers through, and waits until it is ready.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        gate.Close();
        for (var attempt = 1; ; attempt++)
        {
            Launch();
            if (await WaitForAsync("/health", TimeSpan.FromSeconds(60), ct))
            {
                break;
            }

            FailedStarts++;
            Console.WriteLine($"  host generation {Generation} did not come up (see its log); starting again");
            Kill();
            if (attempt == 5)
            {
                throw new InvalidOperationException("The host did not start after 5 attempts; see the logs.");
            }

            await Task.Delay(1000, ct);
        }

        await clock.Requests.WaitAsync(ct);
        try
        {
            var at = clock.Now;
            using var response = await probe.PostAsJsonAsync($"{BaseUrl}/dev/clock", new { set = at.ToString("O", CultureInfo.InvariantCulture) }, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Setting the development clock failed: {(int)response.StatusCode} {body}");
            }

            using var json = JsonDocument.Parse(body);
            clock.Observe(json.RootElement.GetProperty("now").GetDateTimeOffset());
        }
        finally
        {
            clock.Requests.Release();
        }

        gate.Open();
        if (!await WaitForAsync("/health/ready", TimeSpan.FromSeconds(60), ct))
        {
            throw new InvalidOperationException($"Host generation {Generation} never became ready; see its log.");
        }

        lock (gateLock)
        {
            ready.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        probe.Dispose();
        await Task.CompletedTask;
    }

    private void Launch()
    {
        var number = Interlocked.Increment(ref generation);
        Directory.CreateDirectory(options.Logs);
        var path = Path.Combine(options.Logs, $"host-{number.ToString("D2", CultureInfo.InvariantCulture)}.log");
        log = new StreamWriter(path, append: false, Encoding.UTF8) { AutoFlush = true };
        var bin = Path.GetDirectoryName(options.HostDll)!;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = bin,
        };
        foreach (var arg in new[] { options.HostDll, "--urls", BaseUrl, "--contentRoot", bin })
        {
            start.ArgumentList.Add(arg);
        }

        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Development";
        env["Storage__ConnectionString"] = gate.ConnectionString;
        env["Storage__Prefix"] = "chaos";
        env["Mail__SmtpPort"] = options.SmtpPort.ToString(CultureInfo.InvariantCulture);
        env["SignOff__PublicBaseUrl"] = BaseUrl;
        env["SignOff__ApiKeyHashes__0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
        env["Clock__Manual"] = "true";
        env["Webhooks__AllowedHosts__0"] = "localhost";
        env["Webhooks__AllowHttp"] = "true";
        var writer = log;
        var started = new Process { StartInfo = start };
        started.OutputDataReceived += (_, e) => Write(writer, e.Data);
        started.ErrorDataReceived += (_, e) => Write(writer, e.Data);
        started.Start();
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
    }

    private static void Write(StreamWriter writer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (writer)
        {
            try
            {
                writer.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The generation's log was closed after its process was killed.
            }
        }
    }

    private async Task<bool> WaitForAsync(string path, TimeSpan within, CancellationToken ct)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < within)
        {
            if (process is null || process.HasExited)
            {
                return false;
            }

            try
            {
                using var response = await probe.GetAsync(BaseUrl + path, ct);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException) && !ct.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(50, ct);
        }

        return false;
    }
}
