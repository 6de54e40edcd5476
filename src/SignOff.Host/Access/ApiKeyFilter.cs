using System.Security.Claims;
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
/// <remarks>A named coordinator's key (<c>SignOff:Coordinators</c>) acts as that person, so the audit log names them.</remarks>
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
        if (presented.Length == 0 || Identify(options, presented) is not { } holder)
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "ApiKey";
            return Problems.From(new CommandFailure.Denied(AccessProblem.Unauthenticated,
                $"Send a coordinator API key in the {Header} header."));
        }

        // Who acted, for the audit log: the key's person, or the key's id, as the pages' session records them.
        context.HttpContext.User = new ClaimsPrincipal(new ClaimsIdentity(Coordinators.ClaimsOf(holder), "ApiKey"));
        return await next(context);
    }

    /// <summary>
    /// Whose key was presented: a named coordinator's, an unnamed configured hash's, or nobody's (null).
    /// Every configured hash is compared, in constant time, whichever matches.
    /// </summary>
    public static KeyHolder? Identify(SignOffOptions options, string presented)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hash = Encoding.ASCII.GetBytes(HashOf(presented));
        KeyHolder? found = null;
        foreach (var person in options.Coordinators)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, Encoding.ASCII.GetBytes(person.KeyHash.ToLowerInvariant())))
            {
                found = new KeyHolder(Coordinators.KeyId(presented), person.Name.Trim(), person.Email is { Length: > 0 } email ? email.Trim() : null);
            }
        }

        if (Matches(options.ApiKeyHashes, presented))
        {
            found ??= new KeyHolder(Coordinators.KeyId(presented), null, null);
        }

        return found;
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

/// <summary>Who holds a presented API key.</summary>
/// <param name="KeyId">The first eight hex digits of the key's hash: tells two unnamed keys apart, never reveals the key.</param>
/// <param name="Name">The person's name, for a named coordinator's key; null for an unnamed hash.</param>
/// <param name="Email">The person's email address, when configured.</param>
public sealed record KeyHolder(string KeyId, string? Name, string? Email);
