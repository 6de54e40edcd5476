using System.Security.Claims;
using SignOff.Core.Rounds;

namespace SignOff.Host.Access;

/// <summary>Who acted as coordinator, the same way for the API and the pages: the audit log names them.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>A named coordinator's API key (<c>SignOff:Coordinators</c>), by the API's header or a
/// pages' session signed in with it: the person, by the configured name and email.</item>
/// <item>An organisation account (the pages' OpenID Connect sign-in) or an Entra ID bearer token:
/// the person, by the token's name and email claims.</item>
/// <item>An unnamed key (<c>SignOff:ApiKeyHashes</c>): the key, by the first eight hex digits of
/// its hash — never the key — so two keys' acts can be told apart.</item>
/// </list>
/// </remarks>
public static class Coordinators
{
    /// <summary>The claim carrying the acting API key's id (the pages' session, and the API once the key is checked).</summary>
    public const string KeyClaim = "key";

    /// <summary>The claim carrying the signed-in person's name, once their key or account is checked.</summary>
    public const string PersonClaim = "person";

    /// <summary>The claim carrying the signed-in person's email address, when known.</summary>
    public const string EmailClaim = "person_email";

    /// <summary>Stands in for an email address SignOff does not know: an <c>.invalid</c> domain never receives mail.</summary>
    public const string UnknownEmail = "coordinator@signoff.invalid";

    /// <summary>The coordinator behind a request that has passed its authentication.</summary>
    public static Actor Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = http.User;
        if (user.FindFirstValue(PersonClaim) is { Length: > 0 } person)
        {
            return new Actor(person, user.FindFirstValue(EmailClaim) ?? UnknownEmail, ActorRole.Coordinator);
        }

        if (user.FindFirstValue(KeyClaim) is { } key)
        {
            return new Actor($"Coordinator (key {key})", UnknownEmail, ActorRole.Coordinator);
        }

        if (user.Identity?.IsAuthenticated == true)
        {
            var (name, email) = FromToken(user);
            return new Actor(name, email ?? UnknownEmail, ActorRole.Coordinator);
        }

        return new Actor("Coordinator (unknown)", UnknownEmail, ActorRole.Coordinator);
    }

    /// <summary>The claims that say who holds a checked API key: the person when the key is named, the key's id always.</summary>
    public static IReadOnlyList<Claim> ClaimsOf(KeyHolder holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        List<Claim> claims = [new(KeyClaim, holder.KeyId)];
        if (holder.Name is { } name)
        {
            claims.Add(new Claim(PersonClaim, name));
        }

        if (holder.Email is { } email)
        {
            claims.Add(new Claim(EmailClaim, email));
        }

        return claims;
    }

    /// <summary>
    /// The person an Entra ID (or other OpenID Connect) token names: the <c>name</c> claim, and an
    /// email address from <c>email</c>, else <c>preferred_username</c> or <c>upn</c> when that is one.
    /// </summary>
    public static (string Name, string? Email) FromToken(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var username = user.FindFirstValue("preferred_username") ?? user.FindFirstValue("upn");
        var email = user.FindFirstValue("email") ?? user.FindFirstValue(ClaimTypes.Email)
            ?? (username is { } u && u.Contains('@', StringComparison.Ordinal) ? u : null);
        var name = user.FindFirstValue("name") ?? user.FindFirstValue(ClaimTypes.Name) ?? username ?? email ?? user.FindFirstValue("oid") ?? "Coordinator";
        return (name, email);
    }

    /// <summary>A key's id as the audit log shows it.</summary>
    public static string KeyId(string key) => ApiKeyFilter.HashOf(key)[..8];
}
