namespace SignOff.Host.Access;

/// <summary>
/// Coordinators sign in to the pages with their organisation's account — Entra ID, or any OpenID
/// Connect provider — (section <c>Auth:Oidc</c>). Off unless an authority is configured; API keys
/// keep working beside it.
/// </summary>
/// <remarks>
/// The authorisation code flow with PKCE: the browser only ever carries a one-time code, which
/// the host redeems (with the client secret) for the id token naming the person. Register
/// <c>{SignOff:PublicBaseUrl}/sign-in/oidc</c> as the app's redirect URI.
/// </remarks>
public sealed record OidcOptions
{
    /// <summary>The path the provider sends the browser back to with the code.</summary>
    public const string CallbackPath = "/sign-in/oidc";

    /// <summary>e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>; endpoints and signing keys come from its metadata.</summary>
    public string? Authority { get; init; }

    /// <summary>The app registration's application (client) id.</summary>
    public string? ClientId { get; init; }

    /// <summary>The app registration's client secret (a Key Vault reference on Azure).</summary>
    public string? ClientSecret { get; init; }

    /// <summary>The app role a person's id token must carry to use the coordinator's pages.</summary>
    public string RequiredRole { get; init; } = "SignOff.Coordinator";

    /// <summary>True when an authority is configured; without one nothing changes (local development signs in with keys).</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
