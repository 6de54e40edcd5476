namespace SignOff.Host.Configuration;

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

    /// <summary>
    /// The service's sealing certificate, a PKCS#12 (PFX) file in base64, for counterparts executed in
    /// SignOff. On Azure it is a Key Vault reference; when absent, SignOff makes a self-signed one once
    /// and keeps it beside the data-protection keys, so every instance seals with the same certificate.
    /// </summary>
    public string? SealCertificate { get; init; }

    /// <summary>The password of <see cref="SealCertificate"/>, if it has one.</summary>
    public string? SealCertificatePassword { get; init; }
}
