using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SignOff.Integration.Tests.Host;

/// <summary>Entra-style bearer tokens on the coordinator API, validated offline with a test key.</summary>
public sealed class BearerTokenTests : IAsyncLifetime
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private readonly SignOffFactory host = new(extra: new Dictionary<string, string?>
    {
        ["Auth:Jwt:SigningKey"] = Convert.ToBase64String(Key),
        ["Auth:Jwt:Issuer"] = "https://login.example/tenant/v2.0",
        ["Auth:Jwt:Audience"] = "api://signoff",
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    private static string Token(byte[] key, params string[] roles) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "https://login.example/tenant/v2.0",
        Audience = "api://signoff",
        Expires = DateTime.UtcNow.AddMinutes(10),
        Subject = new ClaimsIdentity([new Claim("oid", "3f1c"), .. roles.Select(r => new Claim("roles", r))]),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
    });

    private async Task<HttpStatusCode> ListWithAsync(string token)
    {
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync("/api/rounds", Ct)).StatusCode;
    }

    [Fact]
    public async Task A_coordinator_token_is_accepted() =>
        Assert.Equal(HttpStatusCode.OK, await ListWithAsync(Token(Key, "SignOff.Coordinator")));

    [Fact]
    public async Task A_valid_token_without_the_coordinator_role_is_forbidden() =>
        Assert.Equal(HttpStatusCode.Forbidden, await ListWithAsync(Token(Key, "SignOff.Reader")));

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await ListWithAsync(Token(RandomNumberGenerator.GetBytes(32), "SignOff.Coordinator")));
}
