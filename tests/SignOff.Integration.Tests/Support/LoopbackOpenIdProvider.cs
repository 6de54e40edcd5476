using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Support;

/// <summary>
/// An OpenID Connect provider on a loopback port, speaking the protocol Entra ID speaks to a web
/// app: discovery, signing keys, the authorisation endpoint (which signs in whoever
/// <see cref="SignsIn"/> names, without asking) and the token endpoint, which redeems a code once,
/// for the right client, secret, redirect URI and PKCE verifier, and answers with an RS256 id token
/// carrying the person's name, email, app roles and the nonce of the authorisation request.
/// </summary>
public sealed class LoopbackOpenIdProvider : IAsyncDisposable
{
    private static readonly string[] Code = ["code"], Public = ["public"], Rs256 = ["RS256"], S256 = ["S256"];
    private readonly ConcurrentDictionary<string, Authorisation> codes = new(StringComparer.Ordinal);
    private readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "loopback-key-1" };
    private LoopbackServer server = null!;
    private int redeemed;

    private LoopbackOpenIdProvider(string clientId, string clientSecret) => (ClientId, ClientSecret) = (clientId, clientSecret);

    /// <summary>Who the provider signs in at its next authorisation request.</summary>
    public sealed record Account(string Name, string Email, IReadOnlyList<string> Roles);

    private sealed record Authorisation(string ClientId, string RedirectUri, string Nonce, string CodeChallenge, Account Account);

    public string ClientId { get; }

    public string ClientSecret { get; }

    /// <summary>The issuer, and the authority SignOff is configured with.</summary>
    public string Authority => server.BaseUrl;

    /// <summary>How many codes were redeemed for id tokens (every check passed).</summary>
    public int Redeemed => redeemed;

    public Account SignsIn { get; set; } = new("Sam Organiser", "sam.organiser@alliance.example", ["SignOff.Coordinator"]);

    public static async Task<LoopbackOpenIdProvider> StartAsync(string clientId, string clientSecret)
    {
        var provider = new LoopbackOpenIdProvider(clientId, clientSecret);
        provider.server = await LoopbackServer.StartAsync(provider.HandleAsync);
        return provider;
    }

    private Task HandleAsync(HttpContext http) => http.Request.Path.Value switch
    {
        "/.well-known/openid-configuration" => http.Response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["authorization_endpoint"] = Authority + "/authorize",
            ["token_endpoint"] = Authority + "/token",
            ["jwks_uri"] = Authority + "/jwks",
            ["response_types_supported"] = Code,
            ["subject_types_supported"] = Public,
            ["id_token_signing_alg_values_supported"] = Rs256,
            ["code_challenge_methods_supported"] = S256,
        }),
        "/jwks" => http.Response.WriteAsJsonAsync(new { keys = new[] { PublicKey() } }),
        "/authorize" => Authorize(http),
        "/token" => TokenAsync(http),
        _ => Status(http, StatusCodes.Status404NotFound),
    };

    private Task Authorize(HttpContext http)
    {
        var q = http.Request.Query;
        if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256"
            || string.IsNullOrEmpty(q["code_challenge"]) || string.IsNullOrEmpty(q["nonce"]) || string.IsNullOrEmpty(q["redirect_uri"]))
        {
            return Status(http, StatusCodes.Status400BadRequest);
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        codes[code] = new Authorisation(ClientId, q["redirect_uri"]!, q["nonce"]!, q["code_challenge"]!, SignsIn);
        http.Response.Redirect($"{q["redirect_uri"]}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(q["state"].ToString())}");
        return Task.CompletedTask;
    }

    private async Task TokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        var verifier = form["code_verifier"].ToString();
        if (form["grant_type"] != "authorization_code" || !codes.TryRemove(form["code"].ToString(), out var granted)
            || form["client_id"] != granted.ClientId || form["client_secret"] != ClientSecret || form["redirect_uri"] != granted.RedirectUri
            || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != granted.CodeChallenge)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(new { error = "invalid_grant" });
            return;
        }

        var accessToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(accessToken));
        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = granted.ClientId,
            IssuedAt = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "sub-" + granted.Account.Email,
                ["name"] = granted.Account.Name,
                ["email"] = granted.Account.Email,
                ["preferred_username"] = granted.Account.Email,
                ["roles"] = granted.Account.Roles.ToArray(),
                ["nonce"] = granted.Nonce,
                ["at_hash"] = Base64UrlEncoder.Encode(hash[..(hash.Length / 2)]),
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
        Interlocked.Increment(ref redeemed);
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = 600,
            ["id_token"] = idToken,
        });
    }

    private Dictionary<string, string> PublicKey()
    {
        var rsa = key.Rsa.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = key.KeyId,
            ["n"] = Base64UrlEncoder.Encode(rsa.Modulus),
            ["e"] = Base64UrlEncoder.Encode(rsa.Exponent),
        };
    }

    private static Task Status(HttpContext http, int status)
    {
        http.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        key.Rsa.Dispose();
    }
}
