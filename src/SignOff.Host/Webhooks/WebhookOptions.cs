namespace SignOff.Host.Webhooks;

/// <summary>Settings of webhook delivery (section <c>Webhooks</c>).</summary>
public sealed record WebhookOptions
{
    /// <summary>How long a receiver has to answer one attempt.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the previous secret keeps signing after a rotation, unless the request says otherwise.</summary>
    public TimeSpan RotationGrace { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The 256-bit key (base64) that seals subscription secrets at rest. On Azure it comes from Key
    /// Vault; Development falls back to a fixed key and says so in the log.
    /// </summary>
    public string? SecretKey { get; init; }

    /// <summary>Development only: accept http:// targets (production accepts https only).</summary>
    public bool AllowHttp { get; init; }

    /// <summary>Development only: hosts that may resolve to loopback or private addresses (a local receiver).</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];
}
