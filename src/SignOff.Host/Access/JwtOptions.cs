namespace SignOff.Host.Access;

/// <summary>
/// Entra ID (or any OpenID Connect issuer) bearer tokens for the coordinator API (section
/// <c>Auth:Jwt</c>). Off unless an authority or a signing key is configured.
/// </summary>
public sealed record JwtOptions
{
    /// <summary>e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>; signing keys come from its metadata.</summary>
    public string? Authority { get; init; }

    /// <summary>The API's application ID URI or client id.</summary>
    public string? Audience { get; init; }

    /// <summary>Expected issuer, when it differs from the authority.</summary>
    public string? Issuer { get; init; }

    /// <summary>A symmetric key (base64) for offline validation — tests and closed networks only; Entra uses <see cref="Authority"/>.</summary>
    public string? SigningKey { get; init; }

    /// <summary>The app role a caller's token must carry.</summary>
    public string RequiredRole { get; init; } = "SignOff.Coordinator";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(SigningKey);
}
