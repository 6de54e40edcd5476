using System.Security.Claims;
using SignOff.Core.Rounds;

namespace SignOff.Host.Access;

/// <summary>Who acted as coordinator, the same way for the API and the pages: the audit log names them.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>An Entra ID token: the person, by the token's name and username claims.</item>
/// <item>An API key (the API's header, or the pages' session signed in with one): the key, by the
/// first eight hex digits of its hash — never the key — so two keys' acts can be told apart.</item>
/// </list>
/// </remarks>
public static class Coordinators
{
    /// <summary>The claim carrying the acting API key's id (the pages' session, and the API once the key is checked).</summary>
    public const string KeyClaim = "key";

    /// <summary>The coordinator behind a request that has passed its authentication.</summary>
    public static Actor Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = http.User;
        if (user.FindFirstValue(KeyClaim) is { } key)
        {
            return new Actor($"Coordinator (key {key})", "coordinator@signoff.invalid", ActorRole.Coordinator);
        }

        if (user.Identity?.IsAuthenticated == true)
        {
            var username = user.FindFirstValue("preferred_username") ?? user.FindFirstValue("upn") ?? user.FindFirstValue(ClaimTypes.Email) ?? user.FindFirstValue("email");
            var name = user.FindFirstValue("name") ?? user.FindFirstValue(ClaimTypes.Name) ?? username ?? user.FindFirstValue("oid") ?? "Coordinator";
            return new Actor(name, username ?? "coordinator@signoff.invalid", ActorRole.Coordinator);
        }

        return new Actor("Coordinator (unknown)", "coordinator@signoff.invalid", ActorRole.Coordinator);
    }

    /// <summary>A key's id as the audit log shows it.</summary>
    public static string KeyId(string key) => ApiKeyFilter.HashOf(key)[..8];
}
