using System.Security.Cryptography;
using System.Text;
using SignOff.Host.Configuration;
using SignOff.Host.Commands;

namespace SignOff.Host.Access;

/// <summary>
/// Coordinator API authentication: an API key (header <c>X-Api-Key</c>), compared by SHA-256
/// hash in constant time — keys are never stored, only their hashes — or, when configured, an
/// Entra ID bearer token carrying the coordinator role.
/// </summary>
public sealed class ApiKeyFilter(SignOffOptions options, JwtOptions jwt) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var user = context.HttpContext.User;
        if (jwt.Enabled && user.Identity?.IsAuthenticated == true)
        {
            return user.IsInRole(jwt.RequiredRole)
                ? await next(context)
                : Problems.From(new CommandFailure.Denied(AccessProblem.Forbidden,
                    $"The token is valid but lacks the '{jwt.RequiredRole}' role."));
        }

        var presented = context.HttpContext.Request.Headers[Header].ToString();
        if (presented.Length == 0 || !Matches(options.ApiKeyHashes, presented))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "ApiKey";
            return Problems.From(new CommandFailure.Denied(AccessProblem.Unauthenticated,
                $"Send a coordinator API key in the {Header} header."));
        }

        // Who acted, for the audit log: the key's id, as the pages' session records it.
        context.HttpContext.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(Coordinators.KeyClaim, Coordinators.KeyId(presented))], "ApiKey"));
        return await next(context);
    }

    /// <summary>The hash stored for a key.</summary>
    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>True when a presented key's hash is one of the configured hashes; compared in constant time.</summary>
    public static bool Matches(IEnumerable<string> hashes, string presented)
    {
        var hash = Encoding.ASCII.GetBytes(HashOf(presented));
        var known = false;
        foreach (var candidate in hashes)
        {
            known |= CryptographicOperations.FixedTimeEquals(hash, Encoding.ASCII.GetBytes(candidate.ToLowerInvariant()));
        }

        return known;
    }
}
