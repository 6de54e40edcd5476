namespace SignOff.Host.Configuration;

/// <summary>Settings of the host (section <c>SignOff</c>).</summary>
public sealed record SignOffOptions
{
    /// <summary>The public base URL officers' links point at.</summary>
    public string PublicBaseUrl { get; init; } = "http://127.0.0.1:5080";

    /// <summary>The largest document accepted, in bytes (25 MB by default).</summary>
    public long MaxDocumentBytes { get; init; } = 25L * 1024 * 1024;

    /// <summary>SHA-256 (hex) of unnamed API keys. Keys themselves are never stored.</summary>
    /// <remarks>
    /// Kept for scripts, tests and existing deployments: an act with such a key is recorded as
    /// "Coordinator (key abcd1234)". People should have a named key (<see cref="Coordinators"/>),
    /// so the audit log says who acted.
    /// </remarks>
    public IReadOnlyList<string> ApiKeyHashes { get; init; } = [];

    /// <summary>The coordinators who sign in with a key of their own (section <c>SignOff:Coordinators:N</c>).</summary>
    public IReadOnlyList<NamedCoordinator> Coordinators { get; init; } = [];

    /// <summary>How long an officer's link stays valid.</summary>
    public TimeSpan LinkLifetime { get; init; } = TimeSpan.FromDays(60);

    /// <summary>
    /// The service's sealing certificate, a PKCS#12 (PFX) file in base64, for counterparts executed in
    /// SignOff. On Azure it is a Key Vault reference; when absent, SignOff makes a self-signed one once
    /// and keeps it beside the data-protection keys, so every instance seals with the same certificate.
    /// </summary>
    public string? SealCertificate { get; init; }

    /// <summary>The password of <see cref="SealCertificate"/>, if it has one.</summary>
    public string? SealCertificatePassword { get; init; }
}

/// <summary>A person's own API key: a request with it acts as that person, and the audit log names them.</summary>
/// <remarks>Bound from configuration, so the properties are settable; <see cref="SignOffOptionsValidation"/> checks them at start-up.</remarks>
public sealed record NamedCoordinator
{
    /// <summary>The person's name as the round timeline and the emails show it, e.g. "Jo Coordinator".</summary>
    public string Name { get; init; } = "";

    /// <summary>Their email address (optional): partners' replies to the round's emails can reach them.</summary>
    public string? Email { get; init; }

    /// <summary>SHA-256 (64 hex digits) of the person's key; the key itself is never configured.</summary>
    public string KeyHash { get; init; } = "";
}
