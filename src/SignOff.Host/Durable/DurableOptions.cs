using Azure.Identity;
using DurableTask.AzureStorage;
using SignOff.Storage;

namespace SignOff.Host.Durable;

/// <summary>
/// The local Durable Task runtime's settings (section <c>Durable</c>), tuned for a laptop and for
/// tests; each default says what it costs.
/// </summary>
public sealed record DurableOptions
{
    /// <summary>The task hub (letters and digits, 3–45, starting with a letter); the storage prefix is appended.</summary>
    public string TaskHub { get; init; } = "signoff";

    /// <summary>Control-queue partitions: how many hosts can share the work (one partition is owned by one host at a time).</summary>
    /// <remarks>Each partition is a queue polled while idle, so each costs idle transactions; 4 lets four hosts share a hub.</remarks>
    public int PartitionCount { get; init; } = 4;

    /// <summary>
    /// The longest an idle queue waits between polls. The backend polls at once while there is
    /// work and backs off towards this when idle; a message this process sends (a signal to a
    /// round, an activity, a timer) wakes its own poller at once, so with one host an officer never
    /// waits for it (measured: the first decision after a minute idle in 85 ms at 1 s, 55 ms at 30 s).
    /// It bounds how long work sent by another host waits, and how late a durable timer is picked
    /// up after a quiet spell. 5 s: 5,400 idle requests an hour (measured; 20,000 at 1 s and
    /// 3,000 at Durable Functions' default of 30 s); and a decision through a second host answered
    /// within 5 s after a quiet spell — well inside <see cref="ConfirmTimeout"/>, which must stay
    /// longer than this.
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a message taken by a process that then dies stays hidden before another process
    /// (or the restarted one) takes it. The default is 5 minutes; 30 s bounds how long in-flight
    /// work waits after a crash, at the cost of a message being taken twice if one work item runs
    /// longer than this (the framework renews while it is alive).
    /// </summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest single durable timer; longer waits are chained timers (the SDK's default is 3 days).</summary>
    public TimeSpan MaximumTimerInterval { get; init; } = TimeSpan.FromDays(3);

    /// <summary>How long a person's request waits for the round to confirm a trigger before answering 503 (zero: it never waits, and always answers 503 once the trigger is sent).</summary>
    public TimeSpan ConfirmTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Activities run at once in this process (emails, webhook fan-outs, read-side writes).</summary>
    public int MaxConcurrentActivities { get; init; } = 16;

    /// <summary>The waits between attempts of an effect (an email, a webhook fan-out); null for <c>EffectRetryPolicy.Default</c> (about eight hours).</summary>
    public TimeSpan[]? EffectRetryDelays { get; init; }

    /// <summary>The effects' retry policy these settings describe.</summary>
    public SignOff.Workflow.Effects.EffectRetryPolicy RetryPolicy =>
        EffectRetryDelays is { Length: > 0 } delays ? new(delays) : SignOff.Workflow.Effects.EffectRetryPolicy.Default;

    /// <summary>The backend's settings for a task hub on this storage, as every host and tool of ours uses them.</summary>
    public AzureStorageOrchestrationServiceSettings ServiceSettings(StorageOptions storage, string taskHub, ILoggerFactory loggers) => new()
    {
        TaskHubName = taskHub,
        StorageAccountClientProvider = !string.IsNullOrWhiteSpace(storage.ConnectionString)
            ? new StorageAccountClientProvider(storage.ConnectionString)
            : new StorageAccountClientProvider(storage.AccountName ?? throw new InvalidOperationException("Storage is not configured."), new DefaultAzureCredential()),

        // Unique per runtime, not per process: partition leases are balanced between worker ids,
        // and two runtimes in one process (tests) must not pass for one worker.
        WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}",
        PartitionCount = PartitionCount,
        MaxQueuePollingInterval = MaxQueuePollingInterval,
        UseAppLease = false,
        ControlQueueVisibilityTimeout = VisibilityTimeout,
        WorkItemQueueVisibilityTimeout = VisibilityTimeout,
        UseSeparateQueueForEntityWorkItems = true,
        MaxConcurrentTaskActivityWorkItems = MaxConcurrentActivities,
        LoggerFactory = loggers,
    };

    /// <summary>The task hub name for a storage prefix.</summary>
    public string TaskHubFor(string prefix)
    {
        var name = new string([.. (TaskHub + prefix).Where(char.IsAsciiLetterOrDigit)]);
        return name.Length > 45 ? name[..45] : name;
    }
}
