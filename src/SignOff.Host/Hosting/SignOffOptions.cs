namespace SignOff.Host.Hosting;

/// <summary>Settings of the host (section <c>SignOff</c>).</summary>
public sealed record SignOffOptions
{
    /// <summary>The public base URL officers' links point at.</summary>
    public string PublicBaseUrl { get; init; } = "http://127.0.0.1:5080";

    /// <summary>The largest document accepted, in bytes (25 MB by default).</summary>
    public long MaxDocumentBytes { get; init; } = 25L * 1024 * 1024;

    /// <summary>SHA-256 (hex) of the API keys coordinators may use. Keys themselves are never stored.</summary>
    public IReadOnlyList<string> ApiKeyHashes { get; init; } = [];

    /// <summary>How long an officer's link stays valid.</summary>
    public TimeSpan LinkLifetime { get; init; } = TimeSpan.FromDays(60);

    /// <summary>Which engine runs rounds: SignOff's own tables and queues (the default while the move is under way), or Durable Task.</summary>
    public Durable.EngineKind Engine { get; init; } = Durable.EngineKind.Durable;

    /// <summary>Run the queue pollers and sweepers in-process (off under the Functions host).</summary>
    public bool RunWorkers { get; init; } = true;

    /// <summary>How often the sweepers look for due timers, stranded outbox rows and due webhook retries.</summary>
    /// <remarks>Reminders fall at 09:00 and digests at 08:00: a few minutes late is nothing, and each sweep costs transactions.</remarks>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest an idle worker waits between polls of the effects queue (it is woken at once by local sends).</summary>
    public TimeSpan IdlePollMax { get; init; } = TimeSpan.FromMinutes(1);
}
